"""The exceptions raised by splio_sms; all derive from SplioError."""

from __future__ import annotations

import builtins
from typing import Any, Iterable, NamedTuple, Optional, Tuple

__all__ = [
    "Problem",
    "SplioError",
    "ValidationError",
    "AuthenticationError",
    "BadRequestError",
    "InsufficientCreditError",
    "RateLimitedError",
    "ServerError",
    "TimeoutError",
    "TransportError",
    "ProtocolError",
    "Interrupted",
]


class Problem(NamedTuple):
    """One broken rule: where (``rcpts[3].cellphone``) and what."""

    path: str
    message: str


class SplioError(Exception):
    """A send (or validation) that failed.

    ``delivery`` says whether an SMS may have been queued: ``"not_sent"``
    (safe to send again) or ``"unknown"`` (sending again may double it).
    """

    kind: str
    message: str
    http_status: Optional[int]
    delivery: str
    attempts: int
    problems: Tuple[Problem, ...]
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "internal",
        http_status: Optional[int] = None,
        delivery: str = "unknown",
        attempts: int = 0,
        problems: Iterable[Tuple[str, str]] = (),
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status
        self.delivery = delivery
        self.attempts = attempts
        self.problems = tuple(Problem(path, text) for path, text in problems)
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind!r}, message={self.message!r}, "
            f"http_status={self.http_status!r}, delivery={self.delivery!r}, attempts={self.attempts!r})"
        )


class ValidationError(SplioError):
    """The request broke rules checked before sending; ``problems`` lists them all."""


class AuthenticationError(SplioError):
    """The service refused the universe or key."""


class BadRequestError(SplioError):
    """The service refused the request (bad design ID, missing parameter, wrong URL)."""


class InsufficientCreditError(SplioError):
    """The service blocked the send: not enough credit."""


class RateLimitedError(SplioError):
    """HTTP 429; ``retry_after`` (seconds) says when to try again, if the service said."""


class ServerError(SplioError):
    """HTTP 5xx: the delivery is unknown."""


class TimeoutError(SplioError, builtins.TimeoutError):  # noqa: A001 - the contract's name
    """A connect timeout (``not_sent``) or no answer in time (``unknown``).

    Also a builtin ``TimeoutError``, so ``except TimeoutError`` catches it.
    """


class TransportError(SplioError):
    """DNS, connection or TLS failure; read ``delivery``."""


class ProtocolError(SplioError):
    """An answer that is not the service's (not JSON, too large, a redirect)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) ended the wait for a ``send`` or ``send_batch``.

    Still a ``KeyboardInterrupt``: ``except KeyboardInterrupt`` catches it.
    The call was stopped first — no attempt, retry or batch piece starts
    after it — so what it says stays true:

    - ``delivery``: while the outcome is not known, ``"not_sent"`` (nothing
      can have been queued: safe to send again) or ``"unknown"`` (the request
      was written and its answer not awaited: it may still be accepted, and
      sending it again may send it twice). ``None`` for a batch (read
      ``report``) and when ``result`` holds the answer.
    - ``attempts``: HTTP requests started.
    - ``result``: the ``SendResult``, when the answer had just come.
    - ``error``: the ``SplioError``, when the send had just failed.
    - ``report``: for ``send_batch``, the ``BatchReport`` as things stood:
      every recipient is in an accepted piece, ``not_sent`` or ``unknown``.
    """

    message: str
    delivery: Optional[str]
    attempts: int
    result: Optional[Any]
    error: Optional[SplioError]
    report: Optional[Any]

    def __init__(
        self,
        message: str,
        *,
        delivery: Optional[str] = None,
        attempts: int = 0,
        result: Optional[Any] = None,
        error: Optional[SplioError] = None,
        report: Optional[Any] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.delivery = delivery
        self.attempts = attempts
        self.result = result
        self.error = error
        self.report = report

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Interrupted(message={self.message!r}, delivery={self.delivery!r}, attempts={self.attempts!r})"
