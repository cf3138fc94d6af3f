"""``dailypapers publish``: send a stored day's digest to Slack, Discord, Telegram or email."""

from __future__ import annotations

import os
from contextlib import ExitStack, closing
from typing import Annotated

import typer
from rich.markup import escape

from dailypapers.cli.common import (
    DateOption,
    DbOption,
    OutOption,
    VerboseOption,
    app,
    err_console,
    locked_store,
    offline_config,
    out_console,
    today,
    user_errors,
)
from dailypapers.digest.views import day_view, week_view
from dailypapers.errors import ConfigError, DateError
from dailypapers.logs import setup_logging
from dailypapers.periods import validate_date, validate_week
from dailypapers.publish import CHANNEL_NAMES, open_channel
from dailypapers.publish.deliver import DeliveryReport, deliver


def _flag(name: str, where: str) -> object:
    return typer.Option(f"--{name}", help=f"Post to {where}.")


@app.command()
def publish(
    date: DateOption = None,
    week: Annotated[
        str | None,
        typer.Option(help="Publish the weekly digest of this ISO week (YYYY-Www), not a day."),
    ] = None,
    slack: Annotated[bool, _flag("slack", "Slack: $SLACK_BOT_TOKEN, $SLACK_CHANNEL")] = False,
    discord: Annotated[
        bool, _flag("discord", "Discord: $DISCORD_BOT_TOKEN, $DISCORD_CHANNEL_ID")
    ] = False,
    telegram: Annotated[
        bool, _flag("telegram", "Telegram: $TELEGRAM_BOT_TOKEN, $TELEGRAM_CHAT_ID")
    ] = False,
    email: Annotated[
        bool, _flag("email", "email over SMTP: $SMTP_HOST, $EMAIL_FROM, $EMAIL_TO")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be sent where; send and record nothing."),
    ] = False,
    out: OutOption = None,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Post a stored day's (or, with --week, week's) digest: a header, then one reply per paper
    (one email per day).

    Every message is recorded, so running it again sends only what did not arrive: after a
    crash nothing is posted twice and nothing is missing. A day without a digest (a weekend,
    a holiday) publishes nothing and is not an error.
    """
    chosen = [
        name
        for name, wanted in zip(CHANNEL_NAMES, (slack, discord, telegram, email), strict=True)
        if wanted
    ]
    with user_errors():
        if not chosen:
            raise ConfigError("choose where to publish: --slack, --discord, --telegram, --email")
        when = _period(date, week)
        config = offline_config(out, db)
        setup_logging(err_console, verbose=verbose, secrets=config.secrets)
        with ExitStack() as opened, locked_store(config, "publish") as store:
            channels = [opened.enter_context(closing(open_channel(n, os.environ))) for n in chosen]
            view = week_view(store, when) if week else day_view(store, when)
            if view is None:
                what = "week" if week else "day"
                out_console.print(f"nothing to publish for {when}: no digest stored for the {what}")
                return
            if dry_run:
                for channel in channels:
                    count = len(channel.messages(view))
                    out_console.print(f"{channel.name} → {channel.target}: {count} messages")
                return
            reports = [
                deliver(store, channel, view, secrets=config.secrets) for channel in channels
            ]
    for report in reports:
        _print_delivery(report)
    if not all(report.ok for report in reports):
        raise typer.Exit(1)


def _period(date: str | None, week: str | None) -> str:
    """The validated day (default: today in UTC) or week to publish."""
    if week is None:
        return validate_date(date or today())
    if date is not None:
        raise DateError("give either --date or --week, not both")
    return validate_week(week)


def _print_delivery(report: DeliveryReport) -> None:
    parts = [f"{len(report.sent)} sent"]
    if report.already_sent:
        parts.append(f"{len(report.already_sent)} already sent")
    if report.recovered:
        parts.append(f"{len(report.recovered)} found already delivered")
    if report.resent_unclear:
        parts.append(f"{len(report.resent_unclear)} sent again after an unclear try")
    if report.failed:
        parts.append(f"[red]{len(report.failed)} failed[/]")
    if report.waiting:
        parts.append(f"[red]{len(report.waiting)} not sent: their header failed[/]")
    where = escape(f"{report.channel} → {report.target} ({report.period})")
    out_console.print(f"{where}: {', '.join(parts)}")
    for key, reason in report.failed.items():
        out_console.print(f"  {escape(key)}: {escape(reason)}", style="red")
