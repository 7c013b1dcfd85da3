"use client";

import { AlertTriangle } from "lucide-react";
import { Button } from "@/components/ui/button";

// Never shows error.message: in production Next replaces it anyway, and in any
// mode it may carry internals. The digest lets an operator find the log line.
export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="flex flex-col items-center rounded-lg border border-dashed px-6 py-16 text-center">
      <AlertTriangle className="mb-3 size-8 text-destructive" aria-hidden />
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-1 max-w-md text-sm text-muted-foreground">
        The page could not be loaded. It has been logged; please try again.
        {error.digest ? <span className="mt-2 block font-mono text-xs">Reference: {error.digest}</span> : null}
      </p>
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
