"""The database file: open it, migrate it, run transactions, and turn sqlite errors into
``StoreError`` with a one-line message, here and nowhere else."""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

from dailypapers.errors import StoreError

T = TypeVar("T")


def dumps(value: Any) -> str:
    """JSON as the store keeps it: UTF-8 text, not ``\\u`` escapes."""
    return json.dumps(value, ensure_ascii=False)


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("dailypapers.store") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


def _wrap(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapper(self: Database, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise self.error(e) from e

    return wrapper


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
    def open(cls, path: Path) -> Self:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA busy_timeout=10000")
            store = cls(connection, path)
            store._migrate()
        except sqlite3.Error as e:
            raise StoreError(f"cannot open database {path}: {e}") from e
        return store

    def close(self) -> None:
        self.db.close()

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
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise self.error(e) from e

    def error(self, error: sqlite3.Error) -> StoreError:
        """A sqlite error as the one line the user sees: ``database FILE: what went wrong``."""
        where = f"database {self.path}" if self.path else "database"
        return StoreError(f"{where}: {error}")

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def integrity_problem(self) -> str | None:
        """What SQLite's quick check finds wrong with the file, or None when it is sound."""
        try:
            result = str(self.db.execute("PRAGMA quick_check").fetchone()[0])
        except sqlite3.DatabaseError as e:
            return str(e)
        return None if result == "ok" else result

    def _migrate(self) -> None:
        current = self.schema_version()
        for version, script in _migrations():
            if version <= current:
                continue
            # executescript commits on its own; the version bump is part of the script.
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={version};\nCOMMIT;")
