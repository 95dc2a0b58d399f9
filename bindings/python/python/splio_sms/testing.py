"""A local Splio sandbox for your own tests, served by the Rust core over
loopback HTTP.

    from splio_sms.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.client()
        client.send("AbCdEf123", [{"cellphone": "+33612345678"}])
        assert len(sandbox.messages) == 1

As a pytest fixture::

    @pytest.fixture
    def sandbox():
        with Sandbox() as s:
            yield s
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import Client
from ._native import _Sandbox

__all__ = ["Sandbox"]


class Sandbox:
    """A running stand-in for the service: it answers like Splio, records what
    it accepted (never the key), and takes one-shot faults."""

    def __init__(
        self,
        *,
        universe: str = "sandbox",
        key: str = "sandbox-key",
        designs: Union[Iterable[str], Mapping[str, str]] = (),
        credit: Optional[int] = None,
        latency: float = 0.0,
        port: int = 0,
        fail_rate: float = 0.0,
        errors_as_http_200: bool = False,
    ) -> None:
        self.universe = universe
        self._key = key
        self._native = _Sandbox(
            universe=universe,
            key=key,
            # A mapping gives designs their text: each SMS is then rendered,
            # recorded with its text, encoding and segments, and charged per segment.
            designs=(
                [(d, t) for d, t in designs.items()]
                if isinstance(designs, Mapping)
                else [(d, None) for d in designs]
            ),
            credit=credit,
            latency=latency,
            port=port,
            fail_rate=fail_rate,
            errors_as_http_200=errors_as_http_200,
        )

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<splio_sms.testing.Sandbox universe={self.universe!r} base_url={self.base_url!r}>"

    @property
    def base_url(self) -> str:
        """The ``base_url`` setting that points a client here."""
        return self._native.base_url

    @property
    def messages(self) -> List[Dict[str, Any]]:
        """Every accepted send: universe, message, rcpts, opcode, category, campaign_id, ...;
        for a design given with its text, ``sms``: each recipient's rendered
        ``text``, ``encoding`` and ``segments``."""
        return self._native.messages()

    @property
    def sms(self) -> List[Dict[str, Any]]:
        """Every SMS rendered from a design's text, in order: ``cellphone``,
        ``text`` (what the customer reads), ``encoding``, ``segments``."""
        return [s for m in self._native.messages() for s in m.get("sms", [])]

    @property
    def hits(self) -> int:
        """Requests that reached the service endpoint, faulted or not."""
        return int(self._native.stats()["hits"])

    @property
    def stats(self) -> Dict[str, Any]:
        """``hits``, ``accepted``, ``credit``, ``peak_in_flight`` and ``connections``."""
        return self._native.stats()

    def client(self, **settings: Any) -> Client:
        """A client for this sandbox's universe and key."""
        settings.setdefault("base_url", self.base_url)
        return Client(self.universe, self._key, **settings)

    def fail_next(
        self, status: int = 500, body: str = "<html>Internal Server Error</html>",
        headers: Sequence[Tuple[str, str]] = (),
    ) -> None:
        """Answer the next request with this status and body, without processing it."""
        self._native.push_fault(
            {"fault": "status", "status": status, "body": body, "headers": [list(h) for h in headers]}
        )

    def rate_limit_next(self, retry_after: int = 1) -> None:
        """Answer the next request with HTTP 429 and ``Retry-After``."""
        self._native.push_fault({"fault": "rate_limit", "retry_after": retry_after})

    def drop_next(self) -> None:
        """Read the next request, then close the connection without answering."""
        self._native.push_fault({"fault": "drop"})

    def delay_next(self, seconds: float) -> None:
        """Process the next request normally but answer it ``seconds`` later."""
        self._native.push_fault({"fault": "latency", "ms": int(seconds * 1000)})

    def push_fault(self, fault: Mapping[str, Any]) -> None:
        """Queue a fault as the HTTP control endpoint takes it, e.g. ``{"fault": "drop"}``."""
        self._native.push_fault(fault)

    def set_credit(self, credit: Optional[int]) -> None:
        """SMS that can still be queued (``None``: unlimited)."""
        self._native.set_credit(credit)

    def set_latency(self, seconds: float) -> None:
        """Delay added before every answer."""
        self._native.set_latency(seconds)

    def reset(self) -> None:
        """Forget messages, hits and queued faults."""
        self._native.reset()

    def stop(self) -> None:
        """Stop serving (also done on leaving a ``with`` block)."""
        self._native.stop()
