"""``/metrics`` in Prometheus text: HTTP requests (counted by route template, not raw path, so ids
do not explode the label set), registrations, outbox backlog and delivery failures (read from the
database at scrape time, so every worker process reports the same shared truth)."""

from __future__ import annotations

import time

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from registry.models import OutboxMessage, Registration

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


def install_metrics(app: FastAPI) -> None:
    registry = CollectorRegistry(auto_describe=True)
    requests = Counter("saraban_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=registry)
    latency = Histogram("saraban_http_request_seconds", "HTTP request latency", ["route"], registry=registry)
    registry.register(RegistryCollector(app))
    app.state.metrics_registry = registry

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", None) or "unmatched"
        requests.labels(request.method, name, str(response.status_code)).inc()
        latency.labels(name).observe(time.perf_counter() - started)
        return response


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """ตัวชี้วัดสำหรับ Prometheus: คำขอ HTTP ทะเบียน คิวแจ้งเตือน และการส่งที่ล้มเหลว."""
    return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
