"""How long importing the predecessor's archive takes, and how big the database gets.

Imports ``../shared/reference/legacy`` (the three older eras) and then the whole reference
folder (``logs/`` and ``legacy/`` together) into fresh databases, in-process and through the
real CLI in a child process, and prints files, entries, entries kept verbatim (with their
reasons), wall time and database size.

    .venv/bin/python bench/import_archive.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.digest.importer import archive_folder, import_archive  # noqa: E402
from dailypapers.digest.parse import find_digest_files  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="in-process imports of each")
    args = parser.parse_args()
    reference = SHARED / "reference"
    if not (reference / "legacy").is_dir():
        sys.exit(f"no reference archive at {reference} (set DAILYPAPERS_SHARED)")
    for label, folder in (("legacy/", reference / "legacy"), ("logs/ + legacy/", reference)):
        measure(label, folder, args.repeat)


def measure(label: str, folder: Path, repeat: int) -> None:
    files = len(find_digest_files(archive_folder(folder)))
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            db = Path(tmp) / f"run-{run}.db"
            with Store.open(db) as store:
                started = time.perf_counter()
                report = import_archive(store, folder)
                seconds.append(time.perf_counter() - started)
        size = db.stat().st_size
        cli = cli_seconds(folder, Path(tmp) / "cli")
    print(f"{label}: {files} files, {len(report.days)} days, {report.papers:,} entries")
    print(f"  refused files: {len(report.errors)}; entries kept verbatim: {len(report.irregular)}")
    for line in report.errors + [str(irregular) for irregular in report.irregular]:
        print(f"    {line}")
    median = statistics.median(seconds)
    print(f"  import (in-process): median {median:.2f} s, max {max(seconds):.2f} s")
    print(f"  `dailypapers import-logs` (child process, wall): {cli:.2f} s")
    print(f"  database: {size / 1024 / 1024:.1f} MB")


def cli_seconds(folder: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dailypapers", "import-logs", str(folder), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
