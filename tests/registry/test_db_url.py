"""Which driver a database URL is served by."""

from __future__ import annotations

import pytest

from registry.db import make_engine, normalise_url


@pytest.mark.parametrize("url", ["postgresql://u@h:5432/d", "postgres://u@h/d", "postgresql+psycopg://u@h/d",
                                 "postgresql+psycopg2://u@h/d"])
def test_postgresql_urls_use_the_driver_we_ship(url):
    # settings written for the psycopg 3 build keep working: the one driver installed serves them
    assert normalise_url(url).startswith("postgresql+psycopg2://")
    assert make_engine(url).dialect.driver == "psycopg2"


def test_other_urls_are_left_alone(tmp_path):
    assert normalise_url(f"sqlite:///{tmp_path}/x.db") == f"sqlite:///{tmp_path}/x.db"
    assert normalise_url("postgresql+asyncpg://u@h/d").startswith("postgresql+asyncpg://")
