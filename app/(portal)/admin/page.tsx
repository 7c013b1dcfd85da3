import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireRole } from "@/lib/auth/session";
import { listAuditEvents, listUsers } from "@/lib/admin/queries";
import { auditPageSchema } from "@/lib/admin/schemas";
import { listIngestTokens } from "@/lib/dora/tokens";
import { RevokeSessionsButton } from "./_components/revoke-sessions-button";
import { CreateIngestTokenForm, RevokeIngestTokenButton } from "./_components/ingest-token-forms";

export const metadata: Metadata = { title: "Admin" };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const admin = await requireRole("admin");
  const page = auditPageSchema.parse((await searchParams).page);
  const [users, audit, tokens] = await Promise.all([listUsers(), listAuditEvents(page), listIngestTokens()]);

  return (
    <>
      <PageHeader title="Admin" description="People, roles and the audit trail. Roles are granted by configuration (PAVE_ADMIN_* and PAVE_PLATFORM_* settings)." />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader>
            <CardTitle>People</CardTitle>
            <CardDescription>Everyone who has signed in. Role and teams are refreshed at each sign-in.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table aria-label="People">
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead className="hidden md:table-cell">Teams</TableHead>
                  <TableHead className="hidden md:table-cell">Last sign-in (UTC)</TableHead>
                  <TableHead className="text-right">Sessions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {users.map((u) => (
                  <TableRow key={u.id}>
                    <TableCell>
                      <div className="font-medium">{u.name ?? "—"}</div>
                      <div className="text-xs text-muted-foreground">{u.email ?? "no email"}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant={u.role === "member" ? "secondary" : "default"}>{u.role}</Badge>
                    </TableCell>
                    <TableCell className="hidden text-muted-foreground md:table-cell">{u.groups.join(", ") || "—"}</TableCell>
                    <TableCell className="hidden text-muted-foreground md:table-cell">{u.lastSignInAt ? when.format(u.lastSignInAt) : "never"}</TableCell>
                    <TableCell className="text-right">
                      <RevokeSessionsButton userId={u.id} label={u.name ?? u.email ?? u.id} count={u.activeSessions} isSelf={u.id === admin.id} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Ingest tokens</CardTitle>
            <CardDescription>
              For CI and incident tools that send deployments, changes and incidents to POST /api/v1/events. Only a hash of each secret is kept.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <CreateIngestTokenForm />
            {tokens.length === 0 ? (
              <p className="py-6 text-center text-sm text-muted-foreground">No tokens yet.</p>
            ) : (
              <Table aria-label="Ingest tokens">
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>Prefix</TableHead>
                    <TableHead className="hidden md:table-cell">Created (UTC)</TableHead>
                    <TableHead className="hidden md:table-cell">Last used (UTC)</TableHead>
                    <TableHead className="text-right">Status</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {tokens.map((t) => (
                    <TableRow key={t.id}>
                      <TableCell>
                        <div className="font-medium">{t.name}</div>
                        <div className="text-xs text-muted-foreground">{t.createdBy ?? "from configuration"}</div>
                      </TableCell>
                      <TableCell>
                        <code className="text-xs">{t.prefix}…</code>
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground md:table-cell">{when.format(t.createdAt)}</TableCell>
                      <TableCell className="hidden text-muted-foreground md:table-cell">{t.lastUsedAt ? when.format(t.lastUsedAt) : "never"}</TableCell>
                      <TableCell className="text-right">
                        {t.revokedAt ? <Badge variant="secondary">revoked {when.format(t.revokedAt)}</Badge> : <RevokeIngestTokenButton id={t.id} name={t.name} />}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Audit log</CardTitle>
            <CardDescription>Who changed what, newest first. {audit.total} events.</CardDescription>
          </CardHeader>
          <CardContent>
            {audit.rows.length === 0 ? (
              <p className="py-6 text-center text-sm text-muted-foreground">No events yet.</p>
            ) : (
              <Table aria-label="Audit log">
                <TableHeader>
                  <TableRow>
                    <TableHead>When (UTC)</TableHead>
                    <TableHead>Who</TableHead>
                    <TableHead>Action</TableHead>
                    <TableHead className="hidden lg:table-cell">Target</TableHead>
                    <TableHead className="hidden lg:table-cell">Details</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {audit.rows.map((e) => (
                    <TableRow key={e.id}>
                      <TableCell className="whitespace-nowrap text-muted-foreground">{when.format(e.at)}</TableCell>
                      <TableCell>{e.actor}</TableCell>
                      <TableCell>
                        <code className="text-xs">{e.action}</code>
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground lg:table-cell">{e.target}</TableCell>
                      <TableCell className="hidden max-w-72 truncate font-mono text-xs text-muted-foreground lg:table-cell">
                        {e.data ? JSON.stringify(e.data) : ""}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            {audit.pages > 1 ? (
              <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between text-sm">
                <span className="text-muted-foreground">
                  Page {Math.min(page, audit.pages)} of {audit.pages}
                </span>
                <div className="flex gap-2">
                  <Button asChild variant="outline" size="sm" aria-disabled={page <= 1} className={page <= 1 ? "pointer-events-none opacity-50" : ""}>
                    <Link href={`/admin?page=${page - 1}`}>Previous</Link>
                  </Button>
                  <Button asChild variant="outline" size="sm" aria-disabled={page >= audit.pages} className={page >= audit.pages ? "pointer-events-none opacity-50" : ""}>
                    <Link href={`/admin?page=${page + 1}`}>Next</Link>
                  </Button>
                </div>
              </nav>
            ) : null}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
