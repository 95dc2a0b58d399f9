from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__version__: str

FieldValue = Union[str, int, float, bool, None]
Recipient = Mapping[str, FieldValue]

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
    def to_dict(self) -> Dict[str, Any]: ...

class Client:
    def __init__(
        self,
        universe: str,
        key: str,
        *,
        region: str = "eu",
        base_url: Optional[str] = None,
        endpoint: str = "nph-4.pl",
        method: str = "PUT",
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        retry_unknown: bool = False,
        proxy: Optional[str] = None,
        ca_file: Optional[str] = None,
        allow_insecure_http: bool = False,
        user_agent_suffix: Optional[str] = None,
        duplicates: str = "reject",
        batch_size: int = 1000,
        concurrency: int = 4,
    ) -> None: ...
    @property
    def universe(self) -> str: ...
    @property
    def url(self) -> str: ...
    def send(
        self,
        message: str,
        rcpts: Sequence[Recipient],
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
    ) -> SendResult: ...
    def send_batch(
        self,
        message: str,
        rcpts: Sequence[Recipient],
        *,
        opcode: Optional[str] = None,
        category: Optional[str] = None,
    ) -> BatchReport: ...

def validate(
    message: str,
    rcpts: Sequence[Recipient],
    *,
    opcode: Optional[str] = None,
    category: Optional[str] = None,
) -> None: ...

class _Sandbox:
    def __init__(
        self,
        *,
        universe: str,
        key: str,
        designs: List[str],
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
