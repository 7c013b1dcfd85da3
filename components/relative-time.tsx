// Server-rendered only: "now" is the time of the request, so it must not be re-rendered
// in the browser (the text would differ and hydration would complain).

const UNITS: { limit: number; seconds: number; unit: Intl.RelativeTimeFormatUnit }[] = [
  { limit: 45 * 60, seconds: 60, unit: "minute" },
  { limit: 22 * 3600, seconds: 3600, unit: "hour" },
  { limit: 26 * 86_400, seconds: 86_400, unit: "day" },
  { limit: 320 * 86_400, seconds: 30 * 86_400, unit: "month" },
  { limit: Infinity, seconds: 365 * 86_400, unit: "year" },
];

/** A time as people say it: "just now", "5 minutes ago", "yesterday", "3 months ago". */
export function formatRelativeTime(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const { seconds: size, unit } = UNITS.find((u) => abs < u.limit)!;
  return format.format(Math.round(seconds / size), unit);
}

/** "2026-03-01 14:05 UTC", the exact time shown on hover. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** A relative time with the exact one in its title and datetime attribute. */
export function RelativeTime({ date, now }: { date: Date; now: Date }) {
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)}>
      {formatRelativeTime(date, now)}
    </time>
  );
}
