import Link from "next/link";
import { ShieldX } from "lucide-react";
import { Button } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <div className="flex min-h-[60dvh] flex-col items-center justify-center px-6 text-center">
      <ShieldX className="mb-3 size-10 text-destructive" aria-hidden />
      <h1 className="text-xl font-semibold">You don&apos;t have access to this page</h1>
      <p className="mt-2 max-w-md text-sm text-muted-foreground">Your role does not include it. If you need access, ask a Pave admin.</p>
      <Button asChild className="mt-6">
        <Link href="/">Back to Pave</Link>
      </Button>
    </div>
  );
}
