/**
 * Pave's own feature flags. Each declares the state used when neither Unleash nor the
 * bootstrap file has answered yet, so a flag outage never changes behaviour by surprise.
 */
export const PAVE_FLAGS = {
  "pave.dora-benchmark-switcher": {
    description: "Shows the benchmark selector on DORA dashboards",
    fallback: true,
  },
  "pave.self-service-submissions": {
    description: "Kill switch: when off, new self-service requests are refused with a banner; existing requests stay visible",
    fallback: true,
  },
} as const;

export type PaveFlag = keyof typeof PAVE_FLAGS;

/** Whether a string names one of Pave's own flags. */
export function isPaveFlag(name: string): name is PaveFlag {
  return Object.hasOwn(PAVE_FLAGS, name);
}
