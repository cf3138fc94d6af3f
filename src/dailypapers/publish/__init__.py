"""Where digests are delivered. Each module offers ``from_env(env, *, timeout) -> Channel``.

Modules are imported only when their channel is used, so a run that posts nowhere never
loads a messaging SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from dailypapers.digest.views import URL_LIMIT, web_url
from dailypapers.errors import ConfigError
from dailypapers.publish.deliver import Channel

CHANNEL_NAMES = ("slack", "discord", "telegram", "email")

ChannelOpener = Callable[..., Channel]


def open_channel(name: str, env: Mapping[str, str], *, timeout: float = 30.0) -> Channel:
    """The channel called ``name``, configured from ``env``; ConfigError names what is missing."""
    if name not in CHANNEL_NAMES:
        raise ConfigError(f"unknown channel {name!r}: choose from {', '.join(CHANNEL_NAMES)}")
    module = importlib.import_module(f"dailypapers.publish.{name}")
    opener: ChannelOpener = module.from_env
    return opener(env, timeout=timeout)


def require(env: Mapping[str, str], channel: str, *names: str) -> list[str]:
    """The values of ``names`` in ``env``; ConfigError listing every one that is not set."""
    missing = [name for name in names if not env.get(name, "").strip()]
    if missing:
        raise ConfigError(f"{channel}: set {', '.join(missing)} to publish there")
    return [env[name].strip() for name in names]


def read_api_url(
    env: Mapping[str, str], channel: str, default: str, *, limit: int = URL_LIMIT
) -> str:
    """``<CHANNEL>_API_URL`` (tests point it at a fake), else ``default``; ConfigError when it
    is not an http(s) address."""
    variable = f"{channel.upper()}_API_URL"
    url = env.get(variable, "").strip() or default
    if web_url(url, limit) is None:
        raise ConfigError(f"{channel}: {variable} {url!r} is not an http(s) address")
    return url


def read_site_url(env: Mapping[str, str], *, limit: int = URL_LIMIT) -> str | None:
    """``DAILYPAPERS_SITE_URL``, whose period pages the messages link, or None when it is not
    set; ConfigError when it is not an http(s) address."""
    url = env.get("DAILYPAPERS_SITE_URL", "").strip() or None
    if url is not None and web_url(url, limit) is None:
        raise ConfigError(f"DAILYPAPERS_SITE_URL {url!r} is not an http(s) address")
    return url
