"""Suite-wide fixtures: PyThaiNLP never reaches the network; each test gets a clean database."""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import pytest  # noqa: E402

from tests.fakes.clock import FakeClock  # noqa: E402


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id: str) -> str:
    from tests.db import test_database_url

    return test_database_url(str(tmp_path_factory.getbasetemp()), worker_id)


@pytest.fixture(scope="session")
def engine(database_url):
    from registry.db import make_engine
    from tests.db import create_schema

    eng = make_engine(database_url, pool_size=40)
    create_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(engine, clock, tmp_path):
    from registry.db import make_sessionmaker
    from registry.runtime import Runtime
    from tests.db import wipe

    wipe(engine)
    yield Runtime(engine, make_sessionmaker(engine), clock, tmp_path / "attachments")


@pytest.fixture
def demo(runtime):
    """The demo organisation and the holiday calendar; returns a lookup of units and people."""
    from tests.fixtures import load_demo_org

    return load_demo_org(runtime)
