/** The name this service reports in logs, metrics and feature-flag lookups. */
export const serviceName = "${{ values.name }}";

export interface Config {
  port: number;
  logLevel: string;
{%- if values.enableFlags %}
  /** Unset means: no Unleash server, flags come from the local defaults in flags.ts. */
  unleash?: { url: string; apiToken?: string; environment?: string };
{%- endif %}
}

/** Reads configuration from the environment and fails fast on bad values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const rawPort = env.PORT ?? "${{ values.port }}";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${rawPort}"`);
  }
  return {
    port,
    logLevel: env.LOG_LEVEL ?? "info",
{%- if values.enableFlags %}
    unleash: env.UNLEASH_URL
      ? {
          url: env.UNLEASH_URL,
          apiToken: env.UNLEASH_API_TOKEN,
          environment: env.UNLEASH_ENVIRONMENT,
        }
      : undefined,
{%- endif %}
  };
}
