"""``python -m dailypapers``: the same command line as the ``dailypapers`` script."""

from dailypapers import cli  # noqa: F401  (registers every command on ``app``)
from dailypapers.cli.common import app

app(prog_name="dailypapers")
