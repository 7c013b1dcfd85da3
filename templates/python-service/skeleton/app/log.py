"""JSON logs on stdout, one object per line, with credentials redacted."""

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime

from app.config import SERVICE_NAME

REDACTED_HEADERS = frozenset({"authorization", "cookie", "x-api-key"})


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Returns the headers with credentials replaced, safe to log."""
    return {k: "[redacted]" if k.lower() in REDACTED_HEADERS else v for k, v in headers.items()}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; fields passed as extra={"fields": {...}} are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": SERVICE_NAME,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["err"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Sends every logger, uvicorn's included, through the JSON formatter."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
