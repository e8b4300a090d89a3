"""The LINE client reads the proxy settings once, at start, and honours NO_PROXY."""

from __future__ import annotations

import asyncio

import pytest

from bot.line import LineChannel


def _proxy_of(runtime, base_url: str) -> str | None:
    async def run() -> str | None:
        channel = LineChannel(runtime, channel_secret="s", access_token="t", api_base_url=base_url)
        await channel.start()
        try:
            rest = channel._client.rest_client  # noqa: SLF001 - what the SDK will use for each call
            assert rest.pool_manager.trust_env is False  # no environment lookups per request
            return rest.proxy
        finally:
            await channel.stop()

    return asyncio.run(run())


@pytest.mark.parametrize("var", ["HTTPS_PROXY", "https_proxy"])
def test_the_environment_proxy_is_used_for_the_line_api(runtime, monkeypatch, var):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(var, "http://proxy.moi.go.th:3128")
    assert _proxy_of(runtime, "https://api.line.me") == "http://proxy.moi.go.th:3128"


def test_no_proxy_and_no_variables_mean_a_direct_connection(runtime, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert _proxy_of(runtime, "https://api.line.me") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.moi.go.th:3128")
    monkeypatch.setenv("NO_PROXY", "api.line.me")
    assert _proxy_of(runtime, "https://api.line.me") is None
