"""The one storage failure the layers above treat apart: the database cannot be reached now."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

# SQLite says these when another connection holds the lock past the busy timeout, or the file
# cannot be opened; each is over once the other writer or the disk is back.
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "unable to open",
    "disk i/o",
)


class StorageUnavailable(Exception):
    """The database could not be reached (refused, dropped, restarting, or locked too long).

    Nothing of the unit of work was committed: the same work can be done again later."""


def is_unavailable(error: BaseException) -> bool:
    """Whether an error says the database is away, rather than that the work was wrong."""
    if isinstance(error, StorageUnavailable | sa_exc.TimeoutError):
        return True  # TimeoutError: no pooled connection came free in time
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        text = str(error.orig).lower()
        return any(marker in text for marker in _SQLITE_TRANSIENT)
    # psycopg: an OperationalError is about the connection or the server (refused, closed,
    # shutting down), never about the statement.
    return True
