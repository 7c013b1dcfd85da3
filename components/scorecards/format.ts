/** An evaluation time as a short chart label: "3 Mar, 14:05" (UTC, so server and browser agree). */
export function formatEvaluationLabel(date: Date): string {
  return date.toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
}
