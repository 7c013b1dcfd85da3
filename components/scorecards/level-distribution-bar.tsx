import { levelFill } from "@/components/scorecards/level-badge";

type LevelCount = { level: string; title: string; rank: number; count: number };

/**
 * How many entities sit at each level, as one stacked bar with a legend that
 * gives the counts in words (the bar alone is decoration for screen readers).
 */
export function LevelDistributionBar({ distribution, label = "Level distribution" }: { distribution: LevelCount[]; label?: string }) {
  const levels = [...distribution].sort((a, b) => a.rank - b.rank);
  const total = levels.reduce((sum, l) => sum + l.count, 0);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex h-3 w-full overflow-hidden rounded-full bg-muted" aria-hidden>
        {total
          ? levels
              .filter((l) => l.count > 0)
              .map((l) => <div key={l.level || "none"} className="h-full" style={{ width: `${(l.count / total) * 100}%`, background: levelFill(l.level) }} />)
          : null}
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-label={label}>
        {levels.map((l) => (
          <li key={l.level || "none"} className="inline-flex items-center gap-1.5">
            <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: levelFill(l.level) }} />
            <span>
              {l.title}: <span className="font-medium tabular-nums text-foreground">{l.count.toLocaleString("en")}</span>
              {total ? <span className="tabular-nums"> ({Math.round((l.count / total) * 100)}%)</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
