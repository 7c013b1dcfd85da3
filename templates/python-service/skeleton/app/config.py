"""Configuration read from the environment once, at start-up."""

import os
from dataclasses import dataclass

SERVICE_NAME = "${{ values.name }}"


@dataclass(frozen=True)
class Config:
    port: int
    log_level: str
{%- if values.enableFlags %}
    # None means: no Unleash server, flags come from the local defaults in flags.py.
    unleash_url: str | None
    unleash_api_token: str | None
    unleash_environment: str
{%- endif %}


def read_config(env: dict[str, str] | None = None) -> Config:
    """Reads configuration and fails fast on bad values, so a misconfigured pod never starts."""
    env = dict(os.environ) if env is None else env
    raw_port = env.get("PORT", "8000")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ValueError(f'PORT must be an integer between 1 and 65535, got "{raw_port}"')
    return Config(
        port=int(raw_port),
        log_level=env.get("LOG_LEVEL", "info").upper(),
{%- if values.enableFlags %}
        unleash_url=env.get("UNLEASH_URL") or None,
        unleash_api_token=env.get("UNLEASH_API_TOKEN") or None,
        unleash_environment=env.get("UNLEASH_ENVIRONMENT", "default"),
{%- endif %}
    )
