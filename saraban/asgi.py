"""ASGI entry point for uvicorn (``saraban serve``): settings from the environment."""

from saraban.app import create_app

app = create_app()
