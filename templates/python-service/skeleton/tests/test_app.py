import json
import logging

import pytest
from fastapi.testclient import TestClient
{% if values.enableFlags %}
from app.flags import KILL_SWITCH, LocalFlags
{%- endif %}
from app.log import JsonFormatter
from app.main import create_app


@pytest.fixture
def client():
{%- if values.enableFlags %}
    with TestClient(create_app(flags=LocalFlags())) as client:
{%- else %}
    with TestClient(create_app()) as client:
{%- endif %}
        yield client


def test_healthz_answers_ok(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json() == {"status": "ok"}


def test_readyz_answers_ready(client):
    res = client.get("/readyz")
    assert res.status_code == 200
    assert res.json() == {"status": "ready"}


def test_demo_route_answers(client):
    res = client.get("/")
    assert res.status_code == 200
    assert res.json()["service"] == "${{ values.name }}"


def test_unknown_paths_answer_404(client):
    assert client.get("/nope").status_code == 404


def test_metrics_count_requests_by_route(client):
    client.get("/")
    client.get("/")
    client.get("/nope")
    res = client.get("/metrics")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/plain")
    text = res.text
    assert "# TYPE http_requests_total counter" in text
    assert 'http_requests_total{method="GET",route="/",status_code="200"} 2.0' in text
    assert 'http_requests_total{method="GET",route="unmatched",status_code="404"} 1.0' in text
    assert 'http_request_duration_seconds_count{method="GET",route="/",status_code="200"} 2.0' in text
    assert "process_cpu_seconds_total" in text


def test_request_logs_are_json_and_redact_credentials(client, caplog):
    with caplog.at_level(logging.INFO, logger="app.main"):
        client.get("/", headers={"Authorization": "Bearer s3cret-token"})
    lines = [JsonFormatter().format(r) for r in caplog.records]
    entry = next(e for e in map(json.loads, lines) if e["msg"] == "request handled")
    assert entry["level"] == "info"
    assert entry["service"] == "${{ values.name }}"
    assert entry["req"]["headers"]["authorization"] == "[redacted]"
    assert not any("s3cret-token" in line for line in lines)
{%- if values.enableFlags %}


def test_kill_switch_makes_demo_route_answer_503_while_on():
    assert KILL_SWITCH == "${{ values.name }}.kill-switch"
    flags = LocalFlags()
    with TestClient(create_app(flags=flags)) as client:
        assert client.get("/").status_code == 200

        flags.values[KILL_SWITCH] = True
        res = client.get("/")
        assert res.status_code == 503
        assert res.headers["retry-after"] == "60"
        assert res.json() == {"error": "temporarily disabled"}
        # Probes stay green: a killed feature is not a broken pod.
        assert client.get("/healthz").status_code == 200

        flags.values[KILL_SWITCH] = False
        assert client.get("/").status_code == 200
{%- endif %}
