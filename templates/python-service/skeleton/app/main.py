"""The HTTP application: probes, metrics and a demo route."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.routing import Match

from app.config import SERVICE_NAME{% if values.enableFlags %}, read_config{% endif %}
{%- if values.enableFlags %}
from app.flags import KILL_SWITCH, Flags, start_flags
{%- endif %}
from app.log import redact_headers

log = logging.getLogger(__name__)

# Probes and scrapes are logged at debug level so they don't drown real traffic.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def create_app({% if values.enableFlags %}flags: Flags | None = None{% endif %}) -> FastAPI:
    """Builds the application.{% if values.enableFlags %} Tests pass their own flags; otherwise they start with the app.{% endif %}"""
    # One registry per app keeps tests that build several apps independent.
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    labels = ["method", "route", "status_code"]
    requests = Counter("http_requests", "HTTP requests handled.", labels, registry=registry)
    duration = Histogram(
        "http_request_duration_seconds",
        "Time to handle an HTTP request.",
        labels,
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        registry=registry,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
{%- if values.enableFlags %}
        app.state.flags = flags if flags is not None else start_flags(read_config())
{%- endif %}
        app.state.ready = True
        yield
{%- if values.enableFlags %}
        app.state.flags.close()
{%- endif %}

    app = FastAPI(title=SERVICE_NAME, lifespan=lifespan)

    @app.middleware("http")
    async def observe(request: Request, call_next) -> Response:
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            log.exception("request failed", extra={"fields": {"method": request.method, "path": request.url.path}})
            response = JSONResponse({"error": "internal error"}, status_code=500)
        seconds = time.perf_counter() - started
        values = (request.method, route_template(app, request), str(response.status_code))
        requests.labels(*values).inc()
        duration.labels(*values).observe(seconds)
        log.log(
            logging.DEBUG if request.url.path in QUIET_PATHS else logging.INFO,
            "request handled",
            extra={
                "fields": {
                    "req": {"method": request.method, "url": str(request.url.path), "headers": redact_headers(request.headers)},
                    "res": {"statusCode": response.status_code},
                    "durationMs": round(seconds * 1000, 3),
                }
            },
        )
        return response

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz(request: Request) -> JSONResponse:
        if getattr(request.app.state, "ready", False):
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "shutting down"}, status_code=503)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/")
    def demo({% if values.enableFlags %}request: Request{% endif %}) -> JSONResponse:
{%- if values.enableFlags %}
        if request.app.state.flags.is_enabled(KILL_SWITCH):
            return JSONResponse({"error": "temporarily disabled"}, status_code=503, headers={"Retry-After": "60"})
{%- endif %}
        return JSONResponse({"service": SERVICE_NAME, "message": f"Hello from {SERVICE_NAME}"})

    return app


def route_template(app: FastAPI, request: Request) -> str:
    """The matched route's path template; unknown paths share one label to bound cardinality."""
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match == Match.FULL:
            return getattr(route, "path", "unmatched")
    return "unmatched"


app = create_app()
