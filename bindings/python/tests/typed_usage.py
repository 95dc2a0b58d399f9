"""A small typed program, checked with mypy --strict against the stubs."""

import asyncio
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


async def send_async(base_url: str) -> Optional[int]:
    async with splio_sms.AsyncClient("sandbox", "sandbox-key", base_url=base_url, concurrency=8) as client:
        results: List[splio_sms.SendResult] = await asyncio.gather(
            *(client.send("AbCdEf123", [{"cellphone": n}]) for n in ["+33612345670", "+33612345671"])
        )
        report: splio_sms.BatchReport = await client.send_batch("AbCdEf123", [{"cellphone": "+33612345672"}])
        assert report.status == "ok"
        return results[0].inserted


def send_or_stop(client: splio_sms.Client) -> Optional[int]:
    try:
        return client.send("AbCdEf123", [{"cellphone": "+33612345673"}]).inserted
    except splio_sms.Interrupted as stop:
        safe_to_retry: bool = stop.delivery == "not_sent"
        print(stop.attempts, safe_to_retry, stop.report)
        raise


def main() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(timeout=5.0, duplicates="dedupe")
        inserted = send_codes(client, ["+33612345678"])
        report: splio_sms.BatchReport = client.send_batch("AbCdEf123", [{"cellphone": "+33612345679"}])
        not_sent: List[int] = report.not_sent
        own = splio_sms.Client("sandbox", "sandbox-key", base_url=sandbox.base_url, timeout=5.0, max_retries=0)
        splio_sms.validate("AbCdEf123", ({"cellphone": "+33612345678"},), duplicates="dedupe")
        splio_sms.validate("AbCdEf123", [{"cellphone": "+33612345678"}], text="Hi!", max_segments=1)
        guarded: splio_sms.BatchReport = client.send_batch(
            "AbCdEf123", [{"cellphone": "+33612345677"}], text="Hi!", max_segments=1
        )
        assert guarded.status == "ok"
        assert own.universe == "sandbox"
        assert asyncio.run(send_async(sandbox.base_url)) == 1
        assert send_or_stop(own) == 1
        print(inserted, report.status, not_sent, sandbox.messages[0]["universe"])


if __name__ == "__main__":
    main()
