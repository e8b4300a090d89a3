"""What a running service holds: the engine, the session factory, the clock, the file store."""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from registry.clock import SYSTEM_CLOCK, Clock
from registry.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = SYSTEM_CLOCK
    attachments_dir: Path = field(default_factory=lambda: Path("./attachments"))
    public_url: str | None = None  # where people reach the web pages (links in notices), e.g. the stamped copy

    @classmethod
    def from_url(cls, url: str, *, clock: Clock = SYSTEM_CLOCK, attachments_dir: str | Path = "./attachments",
                 public_url: str | None = None) -> Runtime:
        engine = make_engine(url)
        return cls(engine, make_sessionmaker(engine), clock, Path(attachments_dir), public_url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error."""
        with _writers(self.engine), self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def core_transaction(self, *, first: bool = False) -> Iterator[Connection]:
        """:meth:`transaction` as a bare Core connection, for hot paths that build no ORM objects
        (an ORM session costs about a third of a one-row write). *first*: on SQLite, take the next
        write turn ahead of the writers already waiting (a one-row write a platform waits on: the
        LINE webhook's 200, bot/durable.py)."""
        with _writers(self.engine, first=first), self.engine.begin() as conn:
            yield conn

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


class WriterQueue:
    """SQLite: this process's writers take turns in arrival order instead of in SQLite's busy handler.

    SQLite admits one writer at a time anyway (every transaction here begins IMMEDIATE). A thread
    that finds the database locked sleeps in growing steps (up to 100 ms) and tries again, and
    may lose to newcomers each time: under load that put 0.5-1 s tails on chat replies (bench
    webhook). Here each waiter is handed the turn by the writer before it, first come first
    served. A writer that waited WAIT seconds goes on to SQLite's own lock, which still settles
    everything (other processes; a transaction opened inside another on the same thread).
    Entered and left on different threads is fine (FastAPI ends a dependency's transaction
    wherever it likes)."""

    WAIT = 2.0

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._busy = False
        self._waiting: deque[threading.Event] = deque()

    @contextmanager
    def turn(self, *, first: bool = False) -> Iterator[None]:
        holds = self._enter(first)
        try:
            yield
        finally:
            if holds:
                self._leave()

    def _enter(self, first: bool = False) -> bool:
        with self._mutex:
            if not self._busy:
                self._busy = True
                return True
            mine = threading.Event()
            if first:  # a short write someone waits on goes ahead of the queue
                self._waiting.appendleft(mine)
            else:
                self._waiting.append(mine)
        if mine.wait(self.WAIT):
            return True  # handed over by the writer before
        with self._mutex:
            if mine.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(mine)
            return False

    def _leave(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # the turn passes on; still busy
            else:
                self._busy = False


_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def _writers(engine: Engine, *, first: bool = False):
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _QUEUES_LOCK:
        queue = _QUEUES.get(engine)
        if queue is None:
            queue = _QUEUES[engine] = WriterQueue()
    return queue.turn(first=first)
