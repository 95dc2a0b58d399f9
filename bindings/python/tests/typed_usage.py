"""A small typed program, checked with mypy --strict against the stubs."""

from typing import List, Optional

import splio_sms
from splio_sms.testing import Sandbox


def send_codes(client: splio_sms.Client, numbers: List[str]) -> Optional[int]:
    try:
        result: splio_sms.SendResult = client.send(
            "AbCdEf123", [{"cellphone": n, "c0": 1234} for n in numbers], category="otp"
        )
    except splio_sms.ValidationError as e:
        for problem in e.problems:
            print(problem.path, problem.message)
        return None
    except splio_sms.SplioError as e:
        retry_safe: bool = e.delivery == "not_sent"
        print(e.kind, e.http_status, retry_safe)
        return None
    return result.inserted


def main() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(timeout=5.0, duplicates="dedupe")
        inserted = send_codes(client, ["+33612345678"])
        report: splio_sms.BatchReport = client.send_batch("AbCdEf123", [{"cellphone": "+33612345679"}])
        not_sent: List[int] = report.not_sent
        own = splio_sms.Client("sandbox", "sandbox-key", base_url=sandbox.base_url, timeout=5.0, max_retries=0)
        splio_sms.validate("AbCdEf123", ({"cellphone": "+33612345678"},), duplicates="dedupe")
        assert own.universe == "sandbox"
        print(inserted, report.status, not_sent, sandbox.messages[0]["universe"])


if __name__ == "__main__":
    main()
