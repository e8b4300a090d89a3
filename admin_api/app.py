"""Mounting the admin room into the one ASGI app (called by the composition root)."""

from __future__ import annotations

from fastapi import FastAPI

from admin_api.errors import install_handlers
from admin_api.routes import health, integrity, letters, units

ROUTERS = (health.router, units.router, letters.router, integrity.router)


def install(app: FastAPI) -> None:
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
