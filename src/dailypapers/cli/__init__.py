"""The ``dailypapers`` command: thin wrappers over the library, one module per group of
commands. Each module registers its commands on ``app`` when imported; the order here is the
order ``--help`` lists them in."""

# isort: off
from dailypapers.cli import run, archive, inspect, publish, site, workflow  # noqa: F401

# isort: on
from dailypapers.cli.common import app

__all__ = ["app"]
