"""AsyncClient: sends from asyncio code, really concurrent, never blocking
the event loop; cancellation returns at once and stops the call."""

import asyncio

import pytest

import splio_sms
from conftest import DESIGN, KEY


def rcpt(i: int):
    return [{"cellphone": f"+336{i:08d}"}]


def client_for(sandbox, **settings) -> splio_sms.AsyncClient:
    return splio_sms.AsyncClient(sandbox.universe, KEY, base_url=sandbox.base_url, **settings)


async def until_hits(sandbox, n: int) -> None:
    for _ in range(500):
        if sandbox.hits >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the sandbox never saw {n} requests")


def test_sends_run_concurrently_up_to_concurrency_over_one_client(sandbox):
    sandbox.set_latency(0.2)

    async def main():
        async with client_for(sandbox, concurrency=4) as client:
            return await asyncio.gather(*(client.send(DESIGN, rcpt(i)) for i in range(12)))

    results = asyncio.run(main())
    assert [r.inserted for r in results] == [1] * 12
    assert sandbox.stats["peak_in_flight"] == 4, sandbox.stats
    assert len(sandbox.messages) == 12


def test_the_event_loop_runs_other_tasks_while_sends_wait(sandbox):
    sandbox.set_latency(0.5)

    async def main():
        async with client_for(sandbox) as client:
            sends = asyncio.gather(*(client.send(DESIGN, rcpt(i)) for i in range(3)))
            ticks = 0
            while not sends.done():
                await asyncio.sleep(0.01)
                ticks += 1
            await sends
            return ticks

    assert asyncio.run(main()) > 1, "the loop did not run while the sends waited"


def test_send_batch_returns_the_report(sandbox):
    async def main():
        async with client_for(sandbox, batch_size=2) as client:
            return await client.send_batch(DESIGN, [rcpt(i)[0] for i in range(5)])

    report = asyncio.run(main())
    assert report.status == "ok"
    assert report.totals["inserted"] == 5
    assert len(report.batches) == 3


def test_failures_raise_the_same_exceptions_as_client(sandbox):
    async def main():
        async with client_for(sandbox) as client:
            with pytest.raises(splio_sms.ValidationError):
                await client.send(DESIGN, [{"cellphone": "12"}])
            sandbox.fail_next(503)
            with pytest.raises(splio_sms.ServerError) as e:
                await client.send(DESIGN, rcpt(1))
            assert e.value.delivery == "unknown"
        async with splio_sms.AsyncClient(sandbox.universe, "wrong", base_url=sandbox.base_url) as wrong:
            with pytest.raises(splio_sms.AuthenticationError):
                await wrong.send(DESIGN, rcpt(1))

    asyncio.run(main())


def test_a_timeout_returns_before_the_answer_comes(sandbox):
    sandbox.delay_next(30)

    async def main():
        async with client_for(sandbox) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.send(DESIGN, rcpt(1)), 0.3)

    asyncio.run(main())
    # The answer was still 30 s away: the caller did not wait for it.
    assert sandbox.hits == 1


def test_a_cancelled_send_stops_its_retry_wait_and_frees_its_worker(sandbox):
    sandbox.rate_limit_next(25)

    async def main():
        async with client_for(sandbox, concurrency=1) as client:
            task = asyncio.create_task(client.send(DESIGN, rcpt(1)))
            await until_hits(sandbox, 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The only worker was waiting 25 s to retry: this send needs it.
            return await asyncio.wait_for(client.send(DESIGN, rcpt(2)), 10)

    assert asyncio.run(main()).inserted == 1
    assert sandbox.hits == 2, "the cancelled send was retried"


def test_a_cancelled_batch_starts_no_new_piece(sandbox):
    sandbox.set_latency(0.3)

    async def main():
        async with client_for(sandbox, batch_size=1, concurrency=1) as client:
            task = asyncio.create_task(client.send_batch(DESIGN, [rcpt(i)[0] for i in range(10)]))
            await until_hits(sandbox, 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.6)

    asyncio.run(main())
    assert sandbox.hits == 1


def test_from_env_and_repr_without_the_key(sandbox, monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", sandbox.universe)
    monkeypatch.setenv("SPLIO_KEY", KEY)
    monkeypatch.setenv("SPLIO_BASE_URL", sandbox.base_url)
    client = splio_sms.AsyncClient.from_env(concurrency=2)
    assert client.universe == sandbox.universe
    assert KEY not in repr(client)
    assert asyncio.run(client.send(DESIGN, rcpt(1))).inserted == 1
