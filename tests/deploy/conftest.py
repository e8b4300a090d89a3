"""The deployment tests reuse the channel tests' fakes and app stand."""

from tests.bot.conftest import line_api, line_api_server, tg_api, tg_api_server  # noqa: F401
