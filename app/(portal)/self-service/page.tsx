import type { Metadata } from "next";
import Link from "next/link";
import { Database, PauseCircle, Plus } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { listMyRequests, listOpenRequests } from "@/lib/self-service/queries";
import { RequestTable } from "@/components/self-service/request-table";
import { isFlagEnabled } from "@/lib/flags/evaluate";
import { SUBMISSIONS_PAUSED_MESSAGE } from "@/lib/self-service/mutations";

export const metadata: Metadata = { title: "Self-service" };

export default async function SelfServicePage() {
  const user = await requireUser();
  const isPlatform = hasRole(user.role, "platform");
  const [mine, queue, submissionsOpen] = await Promise.all([
    listMyRequests(user),
    isPlatform ? listOpenRequests() : Promise.resolve([]),
    isFlagEnabled("pave.self-service-submissions", user),
  ]);
  return (
    <>
      <PageHeader title="Self-service" description="Request infrastructure without filing a ticket. Each request becomes a Terraform pull request that the platform team reviews.">
        {submissionsOpen ? (
          <Button asChild size="sm">
            <Link href="/self-service/databases/new">
              <Plus aria-hidden /> Request a database
            </Link>
          </Button>
        ) : null}
      </PageHeader>
      <div className="flex flex-col gap-8">
        {submissionsOpen ? null : (
          <div role="alert" className="flex gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
            <PauseCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>{SUBMISSIONS_PAUSED_MESSAGE}</span>
          </div>
        )}
        {isPlatform ? (
          <section aria-labelledby="queue-title">
            <h2 id="queue-title" className="mb-3 text-lg font-semibold">
              Review queue
            </h2>
            {queue.length ? <RequestTable label="Review queue" requests={queue} showRequester /> : <p className="text-sm text-muted-foreground">Nothing is waiting for review.</p>}
          </section>
        ) : null}
        <section aria-labelledby="mine-title">
          <h2 id="mine-title" className="mb-3 text-lg font-semibold">
            My requests
          </h2>
          {mine.length ? (
            <RequestTable label="My requests" requests={mine} />
          ) : (
            <EmptyState icon={Database} title="No requests yet">
              Ask for a Postgres or MySQL database for a service your team owns.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  );
}
