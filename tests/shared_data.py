"""Where the tests find the team's shared reference data, when it exists.

The folder sits beside the checkout as ``shared/`` (override with ``DAILYPAPERS_SHARED``).
A fresh clone elsewhere has none, so every test that reads it skips with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED", REPO_ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Return a path under the shared folder, or skip the calling test if it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set DAILYPAPERS_SHARED to use it)")
    return path
