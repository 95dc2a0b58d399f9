import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from typing_extensions import TypedDict, Unpack

__version__: str

# The core's table of settings: one dict per setting (json, python, flag,
# env, kind, choices, default, validation, doc).
SETTINGS: List[Dict[str, Any]]

FieldValue = Union[str, int, float, bool, None]
# Any mapping of field names (a dict, or another collections.abc.Mapping).
Recipient = Mapping[str, FieldValue]
# Any sequence of recipients except text: a list, a tuple, a Sequence.
Recipients = Sequence[Recipient]

class SendResult:
    @property
    def todo(self) -> Optional[int]: ...
    @property
    def done(self) -> Optional[int]: ...
    @property
    def inserted(self) -> Optional[int]: ...
    @property
    def campaign_id(self) -> Optional[str]: ...
    @property
    def http_status(self) -> int: ...
    @property
    def attempts(self) -> int: ...
    @property
    def dropped_duplicates(self) -> int: ...

class BatchReport:
    @property
    def status(self) -> str: ...
    @property
    def totals(self) -> Dict[str, int]: ...
    @property
    def batches(self) -> List[Dict[str, Any]]: ...
    @property
    def not_sent(self) -> List[int]: ...
    @property
    def unknown(self) -> List[int]: ...
    @property
    def dropped(self) -> List[int]: ...
    @property
    def already_sent(self) -> int: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Settings(TypedDict, total=False):
    """Every setting keyword; each is optional and defaults to the core's
    value (see help(splio_sms.Client)). A test holds this list to the core's table."""

    region: str
    base_url: Optional[str]
    endpoint: str
    method: str
    timeout: float
    connect_timeout: float
    max_retries: int
    retry_unknown: bool
    proxy: Optional[str]
    ca_file: Optional[Union[str, os.PathLike[str]]]
    allow_insecure_http: bool
    user_agent_suffix: Optional[str]
    duplicates: str
    default_country: Optional[str]
    number_check: str
    batch_size: int
    concurrency: int
    log_full_numbers: bool

class EnvSettings(Settings, total=False):
    """`Client.from_env` keywords: the variables' values can be overridden, credentials too."""

    universe: str
    key: str

class ValidationSettings(TypedDict, total=False):
    """The settings that change what validation accepts."""

    duplicates: str
    default_country: Optional[str]
    number_check: str

class Client:
    def __init__(self, universe: str, key: str, **settings: Unpack[Settings]) -> None: ...
    @classmethod
    def from_env(cls, **settings: Unpack[EnvSettings]) -> "Client": ...
    @property
    def universe(self) -> str: ...
    @property
    def url(self) -> str: ...
    def send(
        self,
        message: str,
        rcpts: Recipients,
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> SendResult: ...
    def send_batch(
        self,
        message: str,
        rcpts: Recipients,
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        journal: Optional[Union[str, os.PathLike[str]]] = None,
        include_unknown: bool = False,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> BatchReport: ...
    # AsyncClient's hooks: the same calls, stopped by the token's cancel().
    def _send_with(
        self,
        token: _Token,
        message: str,
        rcpts: Recipients,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> SendResult: ...
    def _send_batch_with(
        self,
        token: _Token,
        message: str,
        rcpts: Recipients,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
        text: Optional[str] = None,
        max_segments: Optional[int] = None,
    ) -> BatchReport: ...
    @property
    def _concurrency(self) -> int: ...

class _Token:
    def __init__(self) -> None: ...
    def cancel(self) -> None: ...

def validate(
    message: str,
    rcpts: Recipients,
    *,
    opcode: Optional[str] = None,
    category: Optional[str] = None,
    text: Optional[str] = None,
    max_segments: Optional[int] = None,
    **settings: Unpack[ValidationSettings],
) -> None: ...

class RecipientPreview:
    @property
    def index(self) -> int: ...
    @property
    def cellphone(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def encoding(self) -> str: ...  # "gsm7" or "ucs2"
    @property
    def units(self) -> int: ...
    @property
    def segments(self) -> int: ...
    @property
    def forcing_ucs2(self) -> List[str]: ...
    @property
    def missing(self) -> List[str]: ...
    @property
    def unused(self) -> List[str]: ...

class Preview:
    @property
    def recipients(self) -> List[RecipientPreview]: ...
    @property
    def total_recipients(self) -> int: ...
    @property
    def total_segments(self) -> int: ...
    @property
    def gsm7(self) -> int: ...
    @property
    def ucs2(self) -> int: ...

def preview(text: str, rcpts: Recipients, **settings: Unpack[ValidationSettings]) -> Preview: ...

class _Sandbox:
    def __init__(
        self,
        *,
        universe: str,
        key: str,
        designs: List[Tuple[str, Optional[str]]],
        credit: Optional[int],
        latency: float,
        port: int,
        fail_rate: float,
        errors_as_http_200: bool,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    def messages(self) -> List[Dict[str, Any]]: ...
    def stats(self) -> Dict[str, Any]: ...
    def push_fault(self, fault: Mapping[str, Any]) -> None: ...
    def set_credit(self, credit: Optional[int]) -> None: ...
    def set_latency(self, seconds_: float) -> None: ...
    def reset(self) -> None: ...
    def stop(self) -> None: ...
