"""The delivery ledger: every message sent or being sent, so nothing is sent twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dailypapers.periods import now
from dailypapers.store.db import Database

DeliveryStatus = Literal["sending", "sent", "failed"]


@dataclass(frozen=True)
class DeliveryKey:
    """Which channel, where in it, and which day or week."""

    channel: str
    target: str
    period: str


@dataclass(frozen=True)
class Delivery:
    item: str
    status: DeliveryStatus
    #: The channel's own id for the message, once it is sent.
    remote_id: str | None
    attempts: int
    error: str | None


class DeliveryRecords(Database):
    def delivery(self, key: DeliveryKey, item: str) -> Delivery | None:
        row = self.db.execute(
            "SELECT item, status, remote_id, attempts, error FROM deliveries "
            "WHERE channel = ? AND target = ? AND period = ? AND item = ?",
            (key.channel, key.target, key.period, item),
        ).fetchone()
        return Delivery(*row) if row else None

    def mark_sending(self, key: DeliveryKey, item: str) -> None:
        """Recorded before the message goes out: a crash leaves it ``sending``."""
        self.db.execute(
            """
            INSERT INTO deliveries (channel, target, period, item, status, attempts, updated_at)
            VALUES (?, ?, ?, ?, 'sending', 1, ?)
            ON CONFLICT DO UPDATE SET status = 'sending', attempts = attempts + 1,
                updated_at = excluded.updated_at
            """,
            (key.channel, key.target, key.period, item, now()),
        )

    def mark_sent(self, key: DeliveryKey, item: str, remote_id: str) -> None:
        self.db.execute(
            """
            UPDATE deliveries SET status = 'sent', remote_id = ?, error = NULL, updated_at = ?
            WHERE channel = ? AND target = ? AND period = ? AND item = ?
            """,
            (remote_id, now(), key.channel, key.target, key.period, item),
        )

    def mark_failed(self, key: DeliveryKey, item: str, error: str, *, unclear: bool) -> None:
        """Record the error. An unclear one stays ``sending``: the next run looks first."""
        self.db.execute(
            """
            UPDATE deliveries SET status = ?, error = ?, updated_at = ?
            WHERE channel = ? AND target = ? AND period = ? AND item = ?
            """,
            (
                "sending" if unclear else "failed",
                error,
                now(),
                key.channel,
                key.target,
                key.period,
                item,
            ),
        )
