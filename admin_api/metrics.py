"""``/metrics`` in Prometheus text: HTTP requests (counted by route template, not raw path, so ids
do not explode the label set), registrations, outbox backlog and delivery failures (read from the
database at scrape time, so every worker process reports the same shared truth)."""

from __future__ import annotations

import re

import time

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from registry.models import OutboxMessage, Registration
from registry.system import business_counts, heartbeats

router = APIRouter(tags=["health"])


class RegistryCollector:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self):
        runtime = self.app.state.runtime
        with runtime.read() as s:
            regs = s.execute(select(func.count(Registration.id))).scalar_one()
            cancelled = s.execute(select(func.count(Registration.id)).where(Registration.cancelled_at.is_not(None))).scalar_one()
            by_status = dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).tuples().all())
            retrying = s.execute(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status == "pending", OutboxMessage.attempts > 0)).scalar_one()
        g = GaugeMetricFamily("saraban_registrations", "Registrations in all books", labels=["state"])
        g.add_metric(["active"], regs - cancelled)
        g.add_metric(["cancelled"], cancelled)
        yield g
        yield GaugeMetricFamily("saraban_outbox_backlog", "Notices waiting to be delivered", value=by_status.get("pending", 0))
        f = GaugeMetricFamily("saraban_delivery_failures", "Notices that failed: retrying or given up", labels=["kind"])
        f.add_metric(["retrying"], retrying)
        f.add_metric(["failed"], by_status.get("failed", 0))
        yield f
        yield from self.business(runtime)

    @staticmethod
    def business(runtime):
        """Registrations, forwards, acknowledgements, notices by channel, outbox depth and age,
        deliverer heartbeats and the LINE quota (what deploy/prometheus-alerts.yml watches)."""
        now = runtime.clock.now()
        with runtime.read() as s:
            c = business_counts(s)
            beats = heartbeats(s)
        yield CounterMetricFamily("saraban_registrations_made", "Registrations made (cancelled ones included)",
                                  value=c.registrations)
        yield CounterMetricFamily("saraban_forwards", "Letters forwarded to a person or unit", value=c.forwards)
        yield CounterMetricFamily("saraban_acknowledgements", "Forwards acknowledged", value=c.acknowledgements)
        n = GaugeMetricFamily("saraban_notices", "Outbox notices by channel and state (sent, failed, pending)",
                              labels=["channel", "status"])
        for (channel, status), count in sorted(c.notices.items()):
            n.add_metric([channel, status], count)
        yield n
        yield GaugeMetricFamily("saraban_outbox_depth", "Notices waiting to be delivered", value=c.outbox_depth)
        age = (now - c.oldest_pending).total_seconds() if c.oldest_pending else 0.0
        yield GaugeMetricFamily("saraban_outbox_oldest_age_seconds", "Age of the oldest waiting notice", value=max(age, 0.0))
        h = GaugeMetricFamily("saraban_heartbeat_age_seconds", "Seconds since each deliverer last beat",
                              labels=["name", "kind"])
        for b in beats:
            h.add_metric([b.name, b.kind], max((now - b.seen_at).total_seconds(), 0.0))
        yield h
        line = next((b.info["line"] for b in beats if isinstance((b.info or {}).get("line"), dict)
                     and "used" in b.info["line"]), None)
        if line is not None:
            yield GaugeMetricFamily("saraban_line_messages_used", "LINE messages used this month", value=line["used"])
            if line.get("quota_type") == "limited" and line.get("quota") is not None:
                yield GaugeMetricFamily("saraban_line_message_quota", "LINE monthly message quota", value=line["quota"])


_CONVERTOR = re.compile(r":\w+}")


def install_metrics(app: FastAPI) -> None:
    registry = CollectorRegistry(auto_describe=True)
    requests = Counter("saraban_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=registry)
    latency = Histogram("saraban_http_request_seconds", "HTTP request latency", ["route"], registry=registry)
    registry.register(RegistryCollector(app))
    app.state.metrics_registry = registry

    app.add_middleware(_CountRequests, requests=requests, latency=latency)


class _CountRequests:
    """Counts and times every HTTP request by its route template.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``) wraps each
    request and response in extra tasks and streams, which cost more CPU per webhook than the
    signature check (bench webhook)."""

    def __init__(self, app, *, requests: Counter, latency: Histogram) -> None:
        self.app, self.requests, self.latency = app, requests, latency

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]  # an exception before the response starts is a 500 to the client

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            name = _CONVERTOR.sub("}", getattr(route, "path", None) or "unmatched")  # {letter_id:int} -> {letter_id}
            self.requests.labels(scope["method"], name, str(status[0])).inc()
            self.latency.labels(name).observe(time.perf_counter() - started)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """ตัวชี้วัดสำหรับ Prometheus: คำขอ HTTP ทะเบียน คิวแจ้งเตือน และการส่งที่ล้มเหลว."""
    return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
