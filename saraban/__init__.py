"""Composition root: settings, the ASGI app factory and the ``saraban`` CLI."""
