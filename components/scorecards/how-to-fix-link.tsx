import Link from "next/link";
import { ExternalLink } from "lucide-react";

/**
 * "How to fix" for a rule: a page inside Pave (usually the docs) or an outside page in a
 * new tab. The accessible name carries the rule's title so a list of them reads well.
 */
export function HowToFixLink({ href, ruleTitle }: { href: string; ruleTitle: string }) {
  const label = `How to fix: ${ruleTitle}`;
  if (href.startsWith("/") && !href.startsWith("//")) {
    return (
      <Link href={href} aria-label={label} className="w-fit text-primary hover:underline">
        How to fix
      </Link>
    );
  }
  // Only web links leave Pave; anything else (javascript: and friends) is not made clickable.
  if (!/^https?:\/\//i.test(href)) return null;
  return (
    <a href={href} aria-label={label} target="_blank" rel="noreferrer noopener" className="inline-flex w-fit items-center gap-1 text-primary hover:underline">
      How to fix <ExternalLink className="size-3.5" aria-hidden />
    </a>
  );
}
