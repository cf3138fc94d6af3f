"""Work shared among processes: a build with many days to render (the first build of a
large archive) renders its search segments, and their days, in parallel.

The work is dealt out once, the heaviest first, so that each process gets about the same
share; the building process renders its own share while the others render theirs. On Linux a
process with no other thread forks them: they start at once, and share what the parent has
read. Elsewhere, or beside other threads (a fork copies no thread, but may copy a lock one of
them holds), they are started fresh ("spawn"), which costs each one the import of the
command line, about a second. Either way each opens the database itself and is handed the
build's setup once.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

from dailypapers.errors import OutputError

#: At most this many processes by default: each holds a month of papers and a segment's
#: index, 120-150 MB at 50,000 papers.
MAX_JOBS = 4

Setup = TypeVar("Setup")


def default_jobs() -> int:
    """One process per processor this one may run on, at most ``MAX_JOBS``."""
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    return max(1, min(processors, MAX_JOBS))


def share(weights: Sequence[int], parts: int) -> list[list[int]]:
    """The indices of ``weights`` dealt into at most ``parts`` non-empty lists of about the
    same total weight: the heaviest first, each to the lightest list so far."""
    shares: list[list[int]] = [[] for _ in range(max(1, min(parts, len(weights))))]
    totals = [0] * len(shares)
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lightest = totals.index(min(totals))
        shares[lightest].append(i)
        totals[lightest] += weights[i]
    return [sorted(indices) for indices in shares if indices]


def start_method() -> str:
    """``fork`` on Linux when this process runs no other thread, else ``spawn``."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


@contextmanager
def processes(
    count: int, start: Callable[[Setup], None], setup: Setup
) -> Iterator[ProcessPoolExecutor]:
    """``count`` processes, each given ``setup`` first (``start(setup)``). One that dies
    (killed, out of memory) stops the build with an error saying how to build without."""
    context = multiprocessing.get_context(start_method())
    try:
        with ProcessPoolExecutor(count, context, initializer=start, initargs=(setup,)) as pool:
            yield pool
    except BrokenProcessPool as e:
        raise OutputError(
            f"a process building the site stopped unexpectedly ({e}); "
            "build again with --jobs 1 to build in one process"
        ) from e
