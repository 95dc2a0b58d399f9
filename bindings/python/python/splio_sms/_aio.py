"""``AsyncClient``: the client for asyncio programs (FastAPI, aiohttp, …)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from ._native import BatchReport, Client, SendResult, _Token

if TYPE_CHECKING:  # names of the stubs only
    from typing_extensions import Unpack

    from ._native import EnvSettings, Recipients, Settings

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient:
    """Sends Trigger SMS from asyncio code without blocking the event loop.

    Takes the same arguments as ``Client`` (every setting keyword; see
    ``help(splio_sms.Client)``). Each ``send`` or ``send_batch`` runs on one
    of the client's ``concurrency`` worker threads (default 4), over one
    connection pool, with the GIL released while it waits; more calls than
    that wait their turn. Use it with ``async with``, or call ``aclose()``.

    Cancelling a call (``task.cancel()``, ``asyncio.timeout``) returns at
    once with ``CancelledError``, and stops the call: no retry or batch
    piece starts afterwards. A request already written goes on to its
    answer, which is logged (logger ``splio_sms``) and not returned: the
    cancelled caller must take its delivery as unknown — it may be accepted,
    and sending it again may send it twice.
    """

    def __init__(self, universe: str, key: str, **settings: Unpack[Settings]) -> None:
        self._setup(Client(universe, key, **settings))

    @classmethod
    def from_env(cls, **settings: Unpack[EnvSettings]) -> "AsyncClient":
        """A client from the ``SPLIO_*`` environment variables, as ``Client.from_env``."""
        self = cls.__new__(cls)
        self._setup(Client.from_env(**settings))
        return self

    def _setup(self, client: Client) -> None:
        self._client = client
        self._executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._pid = os.getpid()

    @property
    def universe(self) -> str:
        """The universe this client sends for."""
        return self._client.universe

    @property
    def url(self) -> str:
        """The URL sends go to."""
        return self._client.url

    async def send(
        self,
        message: str,
        rcpts: Recipients,
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> SendResult:
        """Validates and sends one request, as ``Client.send`` (with its guards
        ``text`` and ``max_segments``)."""
        return await self._run(
            self._client._send_with, message, rcpts, opcode, category, text, max_segments
        )

    async def send_batch(
        self,
        message: str,
        rcpts: Recipients,
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> BatchReport:
        """Sends in pieces and returns the report, as ``Client.send_batch``
        (with its guards ``text`` and ``max_segments``)."""
        return await self._run(
            self._client._send_batch_with, message, rcpts, opcode, category, text, max_segments
        )

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        token = _Token()
        job = functools.partial(call, token, *args)
        future = asyncio.get_running_loop().run_in_executor(self._workers(), job)
        try:
            return await future
        except asyncio.CancelledError:
            token.cancel()
            raise

    def _workers(self) -> concurrent.futures.ThreadPoolExecutor:
        # A child after fork() has none of its parent's threads: it makes its own.
        if self._executor is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._client._concurrency, thread_name_prefix="splio-sms"
            )
        return self._executor

    async def aclose(self) -> None:
        """Lets the worker threads end once their calls are done; returns at once."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<splio_sms.AsyncClient universe={self.universe!r} url={self.url!r}>"
