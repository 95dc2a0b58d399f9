"""Send SMS through Splio's Trigger SMS API.

>>> client = splio_sms.Client("my_universe", "my_api_key")            # doctest: +SKIP
>>> client.send("AbCdEf123", [{"cellphone": "+33612345678"}]).inserted  # doctest: +SKIP
1
"""

from __future__ import annotations

from ._errors import (
    AuthenticationError,
    BadRequestError,
    InsufficientCreditError,
    Interrupted,
    Problem,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SplioError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from ._native import (
    BatchReport,
    Client,
    Preview,
    RecipientPreview,
    SendResult,
    __version__,
    preview,
    validate,
)
from ._aio import AsyncClient

__all__ = [
    "Client",
    "AsyncClient",
    "SendResult",
    "BatchReport",
    "validate",
    "preview",
    "Preview",
    "RecipientPreview",
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
    "__version__",
]
