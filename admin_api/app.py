"""Mounting the admin room into the one ASGI app (called by the composition root)."""

from __future__ import annotations

from fastapi import FastAPI

from admin_api.errors import install_handlers
from admin_api.metrics import install_metrics
from admin_api.openapi import install_openapi
from admin_api.metrics import router as metrics_router
from admin_api.routes import (admin, audits, disposal, exchange, health, imports, integrity, letters, mail, pages,
                              pages_acting, pages_org, pages_people, recall, reports, system, units, verify)

ROUTERS = (
    health.router, metrics_router, units.router, admin.router, letters.router, letters.assignments_router,
    audits.router, reports.router, integrity.router, pages.router, system.router, verify.router, mail.router,
    mail.pages, pages_org.router, pages_people.router, pages_acting.router, exchange.router, imports.router,
    disposal.router, disposal.pages, recall.router,
)


def install(app: FastAPI) -> None:
    install_handlers(app)
    pages.install_redirect(app)
    pages_org.install(app)
    install_metrics(app)
    for router in ROUTERS:
        app.include_router(router)
    install_openapi(app)
