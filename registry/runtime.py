"""What a running service holds: the engine, the session factory, the clock, the file store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry.clock import SYSTEM_CLOCK, Clock
from registry.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = SYSTEM_CLOCK
    attachments_dir: Path = field(default_factory=lambda: Path("./attachments"))

    @classmethod
    def from_url(cls, url: str, *, clock: Clock = SYSTEM_CLOCK, attachments_dir: str | Path = "./attachments") -> Runtime:
        engine = make_engine(url)
        return cls(engine, make_sessionmaker(engine), clock, Path(attachments_dir))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (on SQLite it does not take the write lock)."""
        with self.sessions(bind=self._reader) as session:
            yield session

    @property
    def _reader(self) -> Engine:
        reader = self.__dict__.get("_reader_engine")
        if reader is None:
            reader = self.__dict__["_reader_engine"] = self.engine.execution_options(sqlite_begin="DEFERRED")
        return reader
