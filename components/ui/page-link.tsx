import Link from "next/link";
import { Button } from "@/components/ui/button";

/** A "previous"/"next" paging button: a link, or a disabled button at either end. */
export function PageLink({ href, children }: { href: string | null; children: React.ReactNode }) {
  if (!href) {
    return (
      <Button variant="outline" size="sm" disabled>
        {children}
      </Button>
    );
  }
  return (
    <Button asChild variant="outline" size="sm">
      <Link href={href} scroll={false}>
        {children}
      </Link>
    </Button>
  );
}
