import { Badge } from "@/components/ui/badge";

const LABELS: Record<string, string> = {
  submitted: "submitted",
  pr_opened: "PR opened",
  approved: "approved",
  changes_requested: "changes requested",
  provisioned: "provisioned",
  rejected: "rejected",
  failed: "failed",
};

/** A database request's status, as a badge. */
export function StatusBadge({ status }: { status: string }) {
  const variant = status === "provisioned" ? "default" : status === "rejected" || status === "failed" || status === "changes_requested" ? "destructive" : "secondary";
  return (
    <Badge variant={variant} data-testid="request-status">
      {LABELS[status] ?? status}
    </Badge>
  );
}
