import Link from "next/link";
import { Button } from "@/components/ui/button";
import { refLabel } from "@/lib/catalog/paths";
import type { OverviewState } from "./filters";

const control =
  "h-9 min-w-40 rounded-md border border-input bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/**
 * Team, system and lifecycle filters as a plain GET form, so they work without
 * JavaScript and the state stays in the URL. The level filter rides along.
 */
export function FilterForm({
  name,
  state,
  options,
}: {
  name: string;
  state: OverviewState;
  options: { owners: string[]; systems: string[]; lifecycles: string[] };
}) {
  const active = !!(state.owner || state.system || state.lifecycle);
  const select = (id: "owner" | "system" | "lifecycle", label: string, values: string[], format: (v: string) => string) => {
    // Keep a value from the URL selectable even if it no longer has entities, so the form shows what is applied.
    const all = state[id] && !values.includes(state[id]!) ? [state[id]!, ...values] : values;
    return (
      <div className="flex flex-col gap-1">
        <label htmlFor={`filter-${id}`} className="text-xs font-medium text-muted-foreground">
          {label}
        </label>
        <select id={`filter-${id}`} name={id} defaultValue={state[id] ?? ""} className={control}>
          <option value="">All</option>
          {all.map((v) => (
            <option key={v} value={v}>
              {format(v)}
            </option>
          ))}
        </select>
      </div>
    );
  };
  return (
    <form
      // Keyed by the applied filters: the selects are uncontrolled and must show a filter applied by a link.
      key={`${state.owner ?? ""}|${state.system ?? ""}|${state.lifecycle ?? ""}|${state.level ?? ""}`}
      action={`/scorecards/${encodeURIComponent(name)}`}
      method="get"
      aria-label="Filters"
      className="flex flex-wrap items-end gap-3"
    >
      {select("owner", "Team", options.owners, (v) => refLabel(v, "group"))}
      {select("system", "System", options.systems, (v) => refLabel(v, "system"))}
      {select("lifecycle", "Lifecycle", options.lifecycles, (v) => v)}
      {state.level ? <input type="hidden" name="level" value={state.level} /> : null}
      <Button type="submit" variant="outline" size="sm" className="h-9">
        Apply
      </Button>
      {active ? (
        <Link href={`/scorecards/${encodeURIComponent(name)}`} className="pb-2 text-sm text-primary hover:underline">
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
