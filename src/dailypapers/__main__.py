"""``python -m dailypapers``: the same command line as the ``dailypapers`` script."""

from dailypapers.cli import app

app(prog_name="dailypapers")
