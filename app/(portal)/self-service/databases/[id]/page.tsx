import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExternalLink } from "lucide-react";
import { Breadcrumb } from "@/components/breadcrumb";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { entityHrefFromKey } from "@/lib/catalog/paths";
import { getRequestDetail } from "@/lib/self-service/queries";
import { infraRepo } from "@/lib/self-service/infra-repo";
import { isFinalRequestStatus, type DatabaseRequestStatus } from "@/lib/self-service/status";
import { StatusBadge } from "@/components/self-service/status-badge";
import { DecisionButtons } from "./_components/decision-buttons";
import { formatUtc } from "@/components/relative-time";

export const metadata: Metadata = { title: "Database request" };

const STEPS: { status: DatabaseRequestStatus; label: string }[] = [
  { status: "submitted", label: "Submitted" },
  { status: "pr_opened", label: "Pull request opened" },
  { status: "approved", label: "Approved" },
  { status: "provisioned", label: "Merged (provisioned)" },
];

export default async function DatabaseRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const request = /^[a-z0-9]{10,40}$/i.test(id) ? await getRequestDetail(id) : null;
  if (!request) notFound();
  const reached = new Set(request.events.map((e) => e.status));
  const ended = request.status === "rejected" || request.status === "failed";
  const local = infraRepo().local;
  const canDecide = local && hasRole(user.role, "platform") && !!request.prNumber && !isFinalRequestStatus(request.status);

  return (
    <>
      <Breadcrumb items={[{ label: "Self-service", href: "/self-service" }, { label: "Database request" }]} />
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">
          {request.engine} {request.engineVersion} for {request.serviceName} ({request.environment})
        </h1>
        <StatusBadge status={request.status} />
      </div>

      {request.lastError && request.status === "submitted" ? (
        <p role="status" className="mb-4 rounded-md border p-3 text-sm text-muted-foreground">
          Queued: the pull request could not be opened yet ({request.lastError}). Pave keeps trying.
        </p>
      ) : null}
      {request.status === "failed" ? (
        <p role="alert" className="mb-4 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          {request.lastError}
        </p>
      ) : null}

      <div className="grid gap-5 lg:grid-cols-[22rem_1fr]">
        <div className="flex flex-col gap-5">
          <Card>
            <CardHeader>
              <CardTitle>Status</CardTitle>
            </CardHeader>
            <CardContent>
              <ol aria-label="Status timeline" className="flex flex-col gap-3">
                {STEPS.map((step) => {
                  const done = reached.has(step.status) || (step.status === "approved" && reached.has("provisioned"));
                  const event = request.events.findLast((e) => e.status === step.status);
                  return (
                    <li key={step.status} className="flex items-start gap-3" aria-label={`${step.label}: ${done ? "done" : "pending"}`}>
                      <span className={`mt-1 size-3 shrink-0 rounded-full ${done ? "bg-primary" : "border border-input"}`} aria-hidden />
                      <div className="text-sm">
                        <p className={done ? "font-medium" : "text-muted-foreground"}>{step.label}</p>
                        {event ? <p className="text-xs text-muted-foreground">{formatUtc(event.at)}{event.actorEmail ? ` · ${event.actorEmail}` : ""}</p> : null}
                      </div>
                    </li>
                  );
                })}
                {reached.has("changes_requested") || ended ? (
                  <li className="text-sm text-destructive">
                    {request.status === "rejected" ? "Closed without merging (rejected)." : request.status === "failed" ? "Failed." : "Changes were requested."}
                  </li>
                ) : null}
              </ol>
              {request.prUrl ? (
                <a href={request.prUrl} className="mt-4 inline-flex items-center gap-1 text-sm text-primary hover:underline" target="_blank" rel="noreferrer noopener">
                  <ExternalLink className="size-3.5" aria-hidden /> Pull request #{request.prNumber}
                </a>
              ) : null}
              {request.reviewNote && !ended && request.status !== "provisioned" ? (
                <p role="status" className="mt-3 rounded-md border border-amber-500/40 bg-amber-500/10 p-2 text-sm" data-testid="review-note">
                  {request.reviewNote}
                </p>
              ) : null}
              {canDecide ? <DecisionButtons requestId={request.id} status={request.status} ownRequest={request.requestedById === user.id} /> : null}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Request</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
                <dt className="text-muted-foreground">Service</dt>
                <dd>
                  <Link className="text-primary hover:underline" href={`${entityHrefFromKey(request.entityKey)}?tab=infrastructure`}>
                    {request.serviceName}
                  </Link>
                </dd>
                <dt className="text-muted-foreground">Size</dt>
                <dd>{request.tier}</dd>
                <dt className="text-muted-foreground">Backups</dt>
                <dd>{request.backupRetentionDays} days</dd>
                <dt className="text-muted-foreground">Multi-AZ</dt>
                <dd>{request.multiAz ? "yes" : "no"}</dd>
                <dt className="text-muted-foreground">Requested by</dt>
                <dd>{request.requestedBy?.name ?? request.requestedBy?.email ?? "—"}</dd>
                <dt className="text-muted-foreground">Branch</dt>
                <dd className="break-all font-mono text-xs">{request.branch}</dd>
              </dl>
              <p className="mt-3 text-sm font-medium">Justification</p>
              <p className="whitespace-pre-wrap text-sm text-muted-foreground">{request.justification}</p>
            </CardContent>
          </Card>
        </div>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>Change</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="mb-2 font-mono text-xs text-muted-foreground">new file: {request.filePath}</p>
            <pre aria-label="Generated diff" className="max-h-[36rem] overflow-auto rounded bg-muted p-3 font-mono text-xs">
              {request.hcl
                .replace(/\n$/, "")
                .split("\n")
                .map((line, i) => (
                  <span key={i} className="block text-success">
                    + {line}
                  </span>
                ))}
            </pre>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
