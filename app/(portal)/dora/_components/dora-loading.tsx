import { Skeleton } from "@/components/ui/skeleton";
import { DashboardSkeleton } from "./dashboard-skeleton";

/** The loading.tsx of every DORA level: breadcrumb, title, filters, then cards and charts. */
export function DoraLoading() {
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-4 w-96 max-w-full" />
      </div>
      <div className="flex flex-wrap gap-3">
        <Skeleton className="h-9 w-36" />
        <Skeleton className="h-9 w-56" />
      </div>
      <DashboardSkeleton />
    </div>
  );
}
