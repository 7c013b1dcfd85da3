import Link from "next/link";
import { Gauge } from "lucide-react";

const EXAMPLE = `curl -X POST https://pave.example.com/api/v1/events \\
  -H "Authorization: Bearer $PAVE_INGEST_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{ "events": [
    { "type": "deployment", "id": "build-4711", "service": "checkout-service",
      "environment": "production", "status": "success",
      "finishedAt": "2026-01-31T12:00:00Z", "commitSha": "9f2c1e7" },
    { "type": "change", "id": "9f2c1e7", "service": "checkout-service",
      "committedAt": "2026-01-31T09:30:00Z" }
  ] }'`;

/** Shown instead of metrics when nothing was deployed in the period: how to send deployments in. */
export function NoDeployments({ period, scopeLabel }: { period: string; scopeLabel: string }) {
  return (
    <section aria-labelledby="no-deployments" className="rounded-lg border border-dashed px-6 py-10">
      <div className="mx-auto flex max-w-2xl flex-col gap-4">
        <div className="flex items-center gap-3">
          <div className="rounded-full bg-muted p-3">
            <Gauge className="size-6 text-muted-foreground" aria-hidden />
          </div>
          <div>
            <h2 id="no-deployments" className="text-base font-semibold">
              No deployments {period}
            </h2>
            <p className="text-sm text-muted-foreground">DORA metrics for {scopeLabel} appear once production deployments are recorded. Connect a source:</p>
          </div>
        </div>
        <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm">
          <li>
            <span className="font-medium">GitHub:</span> add an organisation or repository webhook for <span className="font-medium">Deployment statuses</span>{" "}
            (<code className="rounded bg-muted px-1 font-mono text-xs">deployment_status</code>) pointing at{" "}
            <code className="rounded bg-muted px-1 font-mono text-xs">/api/webhooks/github</code>. Successful deployments to the production environment count.
          </li>
          <li>
            <span className="font-medium">Any other CI/CD or incident tool:</span> create an ingest token in{" "}
            <Link href="/admin" className="text-primary hover:underline">
              Admin
            </Link>
            , then{" "}
            <code className="rounded bg-muted px-1 font-mono text-xs">POST /api/v1/events</code> for deployments, commits and incidents (up to 1,000 events per request):
          </li>
        </ol>
        <pre aria-label="Example request" className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs leading-relaxed">
          {EXAMPLE}
        </pre>
      </div>
    </section>
  );
}
