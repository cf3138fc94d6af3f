"""The only package that speaks SQL: one SQLite file, numbered migrations applied on open,
idempotent writes keyed by arXiv id.

``Store`` is composed of one part per group of tables; every method returns plain values or
the typed records defined beside it (never ``sqlite3.Row``), and every sqlite error leaves as
``StoreError``. Imports the ground floor only.
"""

from __future__ import annotations

from dailypapers.store.db import Database
from dailypapers.store.deliveries import Delivery, DeliveryKey, DeliveryRecords
from dailypapers.store.digests import DigestRecords
from dailypapers.store.papers import PaperRecords, PaperState, Unsettled
from dailypapers.store.runs import BatchRecord, RunRecord, RunRecords
from dailypapers.store.site import Fingerprint, PaperExtras, SiteEntry, SiteRecords
from dailypapers.store.summaries import CallTokens, SummaryRecords

__all__ = [
    "BatchRecord",
    "CallTokens",
    "Database",
    "Delivery",
    "DeliveryKey",
    "Fingerprint",
    "PaperExtras",
    "PaperState",
    "RunRecord",
    "SiteEntry",
    "Store",
    "Unsettled",
]


class Store(PaperRecords, SummaryRecords, DigestRecords, RunRecords, DeliveryRecords, SiteRecords):
    """The database of papers, texts, summaries, digests, runs, batches and deliveries."""
