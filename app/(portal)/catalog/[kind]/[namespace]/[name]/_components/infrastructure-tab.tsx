import Link from "next/link";
import { Database, Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { listRequestsForEntity } from "@/lib/self-service/queries";
import { RequestTable } from "@/components/self-service/request-table";

/** The databases a service has and has asked for. */
export async function InfrastructureTab({ entityKey, kind }: { entityKey: string; kind: string }) {
  const requests = await listRequestsForEntity(entityKey);
  const requestLink =
    kind === "Component" ? (
      <Button asChild size="sm">
        <Link href={`/self-service/databases/new?service=${encodeURIComponent(entityKey)}`}>
          <Plus aria-hidden /> Request a database
        </Link>
      </Button>
    ) : null;
  if (!requests.length) {
    return (
      <EmptyState icon={Database} title="No databases">
        <div className="flex flex-col items-center gap-3">
          <span>This service has no databases and has asked for none.</span>
          {requestLink}
        </div>
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <div className="flex justify-end">{requestLink}</div>
      <RequestTable label="Databases" requests={requests} />
    </div>
  );
}
