import { DoraLoading } from "./_components/dora-loading";

export default function Loading() {
  return <DoraLoading />;
}
