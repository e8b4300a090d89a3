"""ASGI entry point for uvicorn (``saraban serve``): settings from the environment.

Only servers import this module (tests build their apps with ``create_app``), so it is also where
a lone server process is pinned to one CPU core (saraban.affinity)."""

from saraban.affinity import pin_lone_server
from saraban.app import create_app
from saraban.settings import get_settings

app = create_app()
pin_lone_server(get_settings().pin_cpu)
