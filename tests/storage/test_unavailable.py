"""What counts as the database being away: a server that refuses, or SQLite locked too long —
and not a statement that is wrong, which is the work's own failure."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.errors import StorageUnavailable, is_unavailable
from storage.tables import ProcessedUpdate
from storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_refuses_the_connection_is_unavailable():
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{closed_port()}/postgres")
    factory = UnitOfWorkFactory(engine, lambda: NOW)
    with pytest.raises(StorageUnavailable) as raised, factory() as uow:
        uow.first_time("telegram:1")
    assert is_unavailable(raised.value)
    engine.dispose()


def test_a_duplicate_key_is_the_works_own_failure(uow_factory: UnitOfWorkFactory):
    with uow_factory() as uow:
        uow.session.add(ProcessedUpdate(key="telegram:1"))
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.session.add(ProcessedUpdate(key="telegram:1"))
        uow.session.flush()
