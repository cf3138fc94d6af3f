"""An overall deadline for each LLM call, not only a timeout for each read.

httpx2's timeouts bound every single socket read and write: a server that drips one byte every
few seconds never trips them, and the call never ends. Here every socket the OpenAI SDK's
client opens is given a deadline: inside ``deadline(seconds)`` each read, write, connect and
TLS handshake may take at most what is left of it, and once none is left it fails with the
same timeout the SDK reports for a slow read (``openai.APITimeoutError``). The deadline is a
context variable, so each worker thread has its own, and calls outside one have none.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore2
import httpx2
import openai

_deadline: ContextVar[float | None] = ContextVar("dailypapers_llm_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread's HTTP calls ends ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _left(timeout: float | None, error: type[httpcore2.TimeoutException]) -> float | None:
    """``timeout`` cut to what is left of the deadline; ``error`` once nothing is left."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the call's overall deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore2.NetworkStream):
    """A socket whose every operation waits no longer than the deadline allows."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        seconds = _left(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, seconds))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """Opens sockets through ``inner`` and hands them out as ``DeadlineStream``."""

    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        seconds = _left(timeout, httpcore2.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, seconds, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        seconds = _left(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, seconds, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineHttpClient(openai.DefaultHttpxClient):
    """The OpenAI SDK's own HTTP client (its limits and redirects, proxies from the
    environment), with every connection pool's sockets opened through ``DeadlineBackend``."""

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx2.BaseTransport:
        return _with_deadline(super()._init_transport(*args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx2.BaseTransport:
        return _with_deadline(super()._init_proxy_transport(*args, **kwargs))


def _with_deadline(transport: httpx2.BaseTransport) -> httpx2.BaseTransport:
    """``transport`` with its pool's network backend wrapped. httpx2's transport takes no
    backend of its own, so the pool it built is reached: if a release of httpx2 changes that,
    this fails here, at once, rather than leaving calls without a deadline."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore2.NetworkBackend):
        raise TypeError(f"cannot give {type(transport).__name__} a deadline: no network backend")
    pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport
