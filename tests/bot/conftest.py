"""Fixtures of the channel tests: fake platforms per module, the real app per test."""

from __future__ import annotations

import pytest

from tests.bot.harness import LINE_SECRET, LINE_TOKEN, TG_SECRET, TG_TOKEN, Stack
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi


@pytest.fixture(scope="module")
def line_api_server():
    fake = FakeLineApi(LINE_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def tg_api_server():
    fake = FakeTelegramApi(TG_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def line_api(line_api_server):
    line_api_server.reset()
    return line_api_server


@pytest.fixture
def tg_api(tg_api_server):
    tg_api_server.reset()
    return tg_api_server


def make_settings(database_url: str, tmp_path, line_api=None, tg_api=None, **extra):
    from saraban.settings import Settings

    values = dict(database_url=database_url, demo=True, run_worker=False, attachments_dir=str(tmp_path / "att"))
    if line_api is not None:
        values.update(line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                      line_api_base_url=line_api.url)
    if tg_api is not None:
        values.update(telegram_bot_token=TG_TOKEN, telegram_secret_token=TG_SECRET,
                      telegram_api_base_url=tg_api.base_url)
    values.update(extra)
    return Settings(_env_file=None, **values)


@pytest.fixture
def stack(runtime, demo, clock, line_api, tg_api, database_url, tmp_path):
    from saraban.app import create_app

    app = create_app(make_settings(database_url, tmp_path, line_api, tg_api), runtime=runtime)
    s = Stack(app, runtime, clock, line_api, tg_api)
    s.demo = demo
    yield s
    s.close()


@pytest.fixture(params=["line", "telegram"])
def channel(request) -> str:
    return request.param


@pytest.fixture
def user_factory(stack, channel):
    def make(person_id: int | None = None):
        user = stack.line_user() if channel == "line" else stack.tg_user()
        if person_id is not None:
            external = user.user_id if channel == "line" else str(user.user_id)
            stack.link(channel, external, person_id)
        return user
    return make
