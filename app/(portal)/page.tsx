import Link from "next/link";
import { ArrowRight } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { requireUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";

const BLURBS: Record<string, string> = {
  "/catalog": "Find any service: owner, dependencies, docs and health.",
  "/docs": "Read and search every service's docs, built from its repository.",
  "/create": "Start a new service from a golden path.",
  "/self-service": "Ask for a database; the platform team reviews a pull request.",
  "/dora": "See how your teams deliver, graded elite to low.",
  "/scorecards": "See how services measure up to the platform's standards, and what to fix.",
  "/flags": "Release behind feature flags, with a kill switch.",
  "/admin": "People, roles and the audit trail.",
};

export default async function HomePage() {
  const user = await requireUser();
  const firstName = user.name?.split(" ")[0] ?? "there";
  return (
    <>
      <PageHeader title={`Welcome, ${firstName}`} description="Pave is your internal developer portal: golden paths, a service catalog and delivery health in one place." />
      <div className="mb-6 flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
        <span>You are signed in as</span>
        <Badge variant={user.role === "member" ? "secondary" : "default"}>{user.role}</Badge>
        {user.groups.length > 0 ? (
          <>
            <span>in</span>
            {user.groups.map((g) => (
              <Badge key={g} variant="outline">
                {g}
              </Badge>
            ))}
          </>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {NAV_ITEMS.filter((item) => !item.role || hasRole(user.role, item.role)).map((item) => (
          <Link key={item.href} href={item.href} className="group rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            <Card className="h-full transition-colors group-hover:border-primary/50">
              <CardHeader>
                <div className="mb-2 flex items-center justify-between">
                  <item.icon className="size-5 text-primary" aria-hidden />
                  <ArrowRight className="size-4 text-muted-foreground transition-transform group-hover:translate-x-0.5" aria-hidden />
                </div>
                <CardTitle>{item.label}</CardTitle>
                <CardDescription>{BLURBS[item.href]}</CardDescription>
              </CardHeader>
            </Card>
          </Link>
        ))}
      </div>
    </>
  );
}
