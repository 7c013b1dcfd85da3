/** Durations as people say them: "40 s", "45 min", "3.2 h", "2.1 days". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${trim(seconds / 3600)} h`;
  const days = seconds / 86_400;
  return `${trim(days)} ${days === 1 ? "day" : "days"}`;
}

/** One decimal below 10, none above: "3.2", "14". */
export function trim(value: number): string {
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return rounded.toLocaleString("en");
}

type Unit = { seconds: number; one: string; many: string };
const UNITS: Unit[] = [
  { seconds: 86_400, one: "day", many: "days" },
  { seconds: 3600, one: "h", many: "h" },
  { seconds: 60, one: "min", many: "min" },
  { seconds: 1, one: "s", many: "s" },
];

const halves = (value: number) => Number.isInteger(value * 2);

/** The largest unit in which every value is at least one and a whole or half number. */
function unitFor(...values: number[]): Unit {
  const positive = values.filter((v) => v > 0);
  return UNITS.find((u) => positive.every((v) => v >= u.seconds && halves(v / u.seconds))) ?? UNITS.find((u) => positive.every((v) => v >= u.seconds)) ?? UNITS[3]!;
}

function say(seconds: number, unit: Unit, withUnit = true): string {
  const n = seconds / unit.seconds;
  return withUnit ? `${trim(n)} ${n === 1 ? unit.one : unit.many}` : trim(n);
}

/** A histogram bucket as a label: "< 1 min", "1–2 h", "45–60 min", "≥ 365 days". */
export function formatBucket(fromSeconds: number, toSeconds: number | null): string {
  if (toSeconds === null) return `≥ ${say(fromSeconds, unitFor(fromSeconds))}`;
  if (fromSeconds <= 0) return `< ${say(toSeconds, unitFor(toSeconds))}`;
  const unit = unitFor(fromSeconds, toSeconds);
  return `${say(fromSeconds, unit, false)}–${say(toSeconds, unit)}`;
}
