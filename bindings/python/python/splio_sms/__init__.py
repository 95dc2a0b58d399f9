"""Send SMS through Splio's Trigger SMS API.

>>> client = splio_sms.Client("my_universe", "my_api_key")            # doctest: +SKIP
>>> client.send("AbCdEf123", [{"cellphone": "+33612345678"}]).inserted  # doctest: +SKIP
1
"""

from __future__ import annotations

import os
from typing import Any

from ._errors import (
    AuthenticationError,
    BadRequestError,
    InsufficientCreditError,
    Problem,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SplioError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from ._native import BatchReport, SendResult, __version__, validate
from ._native import Client as _NativeClient

__all__ = [
    "Client",
    "SendResult",
    "BatchReport",
    "validate",
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
    "__version__",
]


class Client(_NativeClient):
    """Sends Trigger SMS for one universe; safe to share between threads.

    Every setting is a keyword argument (timeouts in seconds); see the README.
    """

    @classmethod
    def from_env(cls, **settings: Any) -> "Client":
        """A client from ``SPLIO_UNIVERSE`` and ``SPLIO_KEY`` (required), and
        ``SPLIO_BASE_URL`` and ``SPLIO_REGION`` when set; keywords override them."""
        values = {}
        for name in ("SPLIO_UNIVERSE", "SPLIO_KEY"):
            value = os.environ.get(name)
            if not value:
                raise ValueError(f"{name} is not set")
            values[name] = value
        for name, setting in (("SPLIO_BASE_URL", "base_url"), ("SPLIO_REGION", "region")):
            value = os.environ.get(name)
            if value:
                settings.setdefault(setting, value)
        return cls(values["SPLIO_UNIVERSE"], values["SPLIO_KEY"], **settings)
