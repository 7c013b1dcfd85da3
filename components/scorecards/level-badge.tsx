import { Award, CircleDashed } from "lucide-react";
import { cn } from "@/components/ui/cn";

type Level = { id: string; title: string; rank: number } | null;

// Medal colours for the usual level names; any other level gets the primary colour.
// The level's title is always written out, so the colour is never the only cue.
const LEVEL_CLASS: Record<string, string> = {
  bronze: "border-orange-600/30 bg-orange-500/15 text-orange-800 dark:border-orange-400/30 dark:text-orange-300",
  silver: "border-slate-500/30 bg-slate-400/20 text-slate-700 dark:border-slate-300/30 dark:text-slate-200",
  gold: "border-yellow-600/40 bg-yellow-400/25 text-yellow-900 dark:border-yellow-400/40 dark:text-yellow-200",
};
const OTHER_CLASS = "border-primary/30 bg-primary/10 text-primary";
const NONE_CLASS = "border-border bg-muted text-muted-foreground";

// The same colours as fills, for bars and charts (CSS colours that read on both themes).
const LEVEL_FILL: Record<string, string> = {
  bronze: "oklch(0.66 0.14 55)",
  silver: "oklch(0.74 0.02 260)",
  gold: "oklch(0.82 0.16 90)",
};

/** The fill colour of a level ("" is "No level") for bars and charts. */
export function levelFill(levelId: string): string {
  if (!levelId) return "var(--muted-foreground)";
  return LEVEL_FILL[levelId] ?? "var(--primary)";
}

/** A scorecard level as a badge with a medal icon; null is the neutral "No level". */
export function LevelBadge({ level, className }: { level: Level; className?: string }) {
  const Icon = level ? Award : CircleDashed;
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 whitespace-nowrap rounded-md border px-2 py-0.5 text-xs font-medium",
        level ? (LEVEL_CLASS[level.id] ?? OTHER_CLASS) : NONE_CLASS,
        className,
      )}
    >
      <Icon className="size-3.5 shrink-0" aria-hidden />
      {level ? level.title : "No level"}
    </span>
  );
}
