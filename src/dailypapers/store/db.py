"""The database file: open it, migrate it, run transactions, and turn sqlite errors into
``StoreError`` with a one-line message, here and nowhere else."""

from __future__ import annotations

import functools
import inspect
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import quote

from dailypapers.errors import DamagedDatabaseError, StoreError

T = TypeVar("T")

#: Seconds a statement waits for another process's write to finish before it fails with
#: "database is locked".
BUSY_TIMEOUT = 10.0
#: SQLite's result codes for a damaged file, and for one another connection keeps locked.
DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def dumps(value: Any) -> str:
    """JSON as the store keeps it: UTF-8 text, not ``\\u`` escapes."""
    return json.dumps(value, ensure_ascii=False)


@functools.cache
def _migrations() -> tuple[tuple[int, str], ...]:
    """The numbered migration scripts shipped with the package, read once per process."""
    folder = resources.files("dailypapers.store") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return tuple(sorted(found))


def newest_schema() -> int:
    return _migrations()[-1][0]


def _wrap(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapper(self: Database, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise self.error(e) from e
        except json.JSONDecodeError as e:  # only stored columns are decoded here
            where = f"database {self.path}" if self.path else "database"
            raise StoreError(
                f"{where}: a stored value is not valid JSON ({e}); the file was edited or is "
                "damaged: `dailypapers doctor` checks it"
            ) from e

    return wrapper


def store_error(where: str, error: sqlite3.Error) -> StoreError:
    """``where: what went wrong``, with what to do when SQLite's code says more: a damaged
    file is a ``DamagedDatabaseError``; a lock names the likely holder."""
    code = getattr(error, "sqlite_errorcode", None)
    code = None if code is None else code & 0xFF  # the primary code of an extended one
    if code in DAMAGED:
        return DamagedDatabaseError(
            f"{where}: {error}; `dailypapers doctor` says how to recover it"
        )
    if code in BUSY:
        return StoreError(
            f"{where}: {error}: another program (another dailypapers?) is writing to it; "
            "try again when it has finished"
        )
    return StoreError(f"{where}: {error}")


class Database:
    """One SQLite connection. Every public method of a subclass raises ``StoreError`` (never
    ``sqlite3.Error``), so the CLI shows a database problem as one line."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = connection
        self.path = path

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            setattr(cls, name, _wrap(member))

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Self:
        """Open (or create) the database and bring its tables up to date. A database made by
        a newer dailypapers is refused before anything is written to it.

        ``read_only``: open an existing file without writing a byte (no migration, no journal
        mode change), so that reading commands work on a file they may not write; a file whose
        tables are older than this dailypapers is refused with what to run. A missing file is
        created as usual.
        """
        if read_only and path.exists():
            return cls._connect(path, _read_only_uri(path), True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot open database {path}: {e}") from e
        return cls._connect(path, str(path), False)

    @classmethod
    def open_to_read(cls, path: Path) -> Self:
        """Open for a command that only reads: read-only when this user may not write the file
        or its folder (a copy on a read-only disk, another user's file), else as ``open``."""
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        return cls.open(path, read_only=path.exists() and not writable)

    @classmethod
    def _connect(cls, path: Path, target: str, read_only: bool) -> Self:
        try:
            connection = sqlite3.connect(
                target,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT,
                uri=read_only,
            )
        except sqlite3.Error as e:
            raise store_error(f"cannot open database {path}", e) from e
        store = cls(connection, path)
        try:
            store._prepare(read_only)
        except BaseException:
            connection.close()
            raise
        return store

    def _prepare(self, read_only: bool = False) -> None:
        try:
            self.db.row_factory = sqlite3.Row
            self._refuse_other_schema(read_only)
            if read_only:
                return
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._use_wal()
        except sqlite3.Error as e:
            raise store_error(f"cannot open database {self.path}", e) from e

    def _use_wal(self) -> None:
        """Switch a new file to WAL (it stays so). Two first opens at once can each hold the
        lock the other's switch waits for; SQLite then fails one at once instead of waiting,
        so that one looks again until ``BUSY_TIMEOUT``."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                code = getattr(e, "sqlite_errorcode", 0) & 0xFF
                if code not in BUSY or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def _refuse_other_schema(self, read_only: bool) -> None:
        """A schema we do not know is not ours to write: fail before the first write. Read
        only, tables not migrated yet cannot be read as this version reads them either."""
        current, newest = self._schema_version(), newest_schema()
        if current > newest:
            raise StoreError(
                f"{self.path} was made by a newer dailypapers (schema {current} > {newest}); "
                "upgrade dailypapers"
            )
        if read_only and current < newest:
            raise StoreError(
                f"{self.path} was made by an older dailypapers (schema {current} < {newest}) "
                "and is opened read-only here: run a command that writes it once (e.g. "
                "`dailypapers run`) to update its tables"
            )

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error as e:
            raise self.error(e) from e

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is written together or not at all."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise self.error(e) from e
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise self.error(e) from e

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not undone it already (it does on some
        errors, and a ROLLBACK then would hide the error that caused it)."""
        if not self.db.in_transaction:
            return
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error as e:
            raise self.error(e) from e

    def error(self, error: sqlite3.Error) -> StoreError:
        """A sqlite error as the one line the user sees: ``database FILE: what went wrong``."""
        return store_error(f"database {self.path}" if self.path else "database", error)

    def schema_version(self) -> int:
        try:
            return self._schema_version()
        except sqlite3.Error as e:
            raise self.error(e) from e

    def _schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def integrity_problem(self) -> str | None:
        """What SQLite's quick check finds wrong with the file, or None when it is sound."""
        try:
            result = str(self.db.execute("PRAGMA quick_check").fetchone()[0])
        except sqlite3.DatabaseError as e:
            return str(e)
        return None if result == "ok" else result

    def _migrate(self) -> None:
        """Apply the migrations this file lacks, all in one write transaction. The version is
        read again once the write lock is held: another program opening the same new file
        at the same moment has then either migrated it already or waits for us."""
        if self._schema_version() >= newest_schema():
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            current = self._schema_version()
            for version, script in _migrations():
                if version > current:
                    for statement in _statements(script):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version={version}")
            self.db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise


def _read_only_uri(path: Path) -> str:
    """SQLite's address of ``path`` opened read-only. In a folder nobody may write, no program
    can be changing the file either, and SQLite could not make the shared-memory file a WAL
    database needs to be read: the file is then read as immutable."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return uri if os.access(path.parent, os.W_OK) else uri + "&immutable=1"


def _statements(script: str) -> list[str]:
    """The statements of a migration one by one (``executescript`` would commit the open
    transaction first); a trigger's ``BEGIN ... END`` stays one statement."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():  # comments after the last statement
        statements.append(pending.strip())
    return statements
