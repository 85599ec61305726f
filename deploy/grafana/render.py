"""Write deploy/grafana/getihu.json: a Grafana dashboard of the platform's metrics (kit.metrics),
one panel per question an operator asks. `python deploy/grafana/render.py`; a test checks the file
is current and that every query names a metric the platform serves."""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (title, unit, PromQL per series, legend)
PANELS = [
    ("Outbox backlog (rows not yet published)", "short", ["sum by (job) (getihu_outbox_backlog)"], "{{job}}"),
    ("Age of the oldest unpublished event", "s", ["max by (job) (getihu_outbox_oldest_age_seconds)"], "{{job}}"),
    ("Events relayed per second", "ops", ["sum by (job) (rate(getihu_outbox_relayed_events_total[1m]))"], "{{job}}"),
    ("Consumer lag per group and partition", "short",
     ["sum by (group, topic, partition) (getihu_consumer_lag)"], "{{group}} {{topic}}/{{partition}}"),
    ("Events applied per second", "ops",
     ["sum by (group, outcome) (rate(getihu_consumer_events_total[1m]))"], "{{group}} {{outcome}}"),
    ("Dead-lettered events", "short",
     ["sum by (group) (getihu_inbox_dead_lettered)", "sum by (group, topic) (increase(getihu_dlq_events_total[1h]))"],
     "{{group}} {{topic}}"),
    ("Jobs by state", "short", ["sum by (kind, state) (getihu_jobs)"], "{{kind}} {{state}}"),
    ("Running jobs' progress", "percentunit", ["getihu_job_progress"], "{{kind}} {{job_id}}"),
    ("Notification deliveries by state", "short", ["sum by (channel, state) (getihu_notify_deliveries)"],
     "{{channel}} {{state}}"),
    ("Delivery attempts and failures per minute", "short",
     ["sum by (channel) (increase(getihu_notify_delivery_attempts_total[5m])) / 5",
      "sum by (channel) (increase(getihu_notify_delivery_failures_total[5m])) / 5"], "{{channel}}"),
    ("Workers up", "short", ["min by (job) (getihu_worker_up)"], "{{job}}"),
    ("HTTP requests per second by status", "reqps",
     ["sum by (job, status) (rate(http_requests_total[1m]))"], "{{job}} {{status}}"),
    ("HTTP latency p95", "s",
     ["histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))"], "{{job}}"),
]


def dashboard() -> dict:
    panels = []
    for i, (title, unit, exprs, legend) in enumerate(PANELS):
        panels.append({
            "id": i + 1, "type": "timeseries", "title": title,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "targets": [{"refId": chr(ord("A") + j), "expr": e, "legendFormat": legend} for j, e in enumerate(exprs)],
        })
    return {
        "title": "Getihu platform", "uid": "getihu-platform", "schemaVersion": 39, "version": 1,
        "time": {"from": "now-6h", "to": "now"}, "refresh": "30s", "tags": ["getihu"],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus",
                                 "label": "Prometheus"}]},
        "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    (HERE / "getihu.json").write_text(render())
    print(f"wrote {HERE / 'getihu.json'}")
