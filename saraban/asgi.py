"""ASGI entry point for uvicorn (``saraban serve``): settings from the environment.

Only servers import this module (tests build their apps with ``create_app``), so it is also where
the start-up heap is frozen once the app has started (saraban.steady)."""

from saraban.app import create_app
from saraban.steady import after_startup

app = create_app()
after_startup(app)
