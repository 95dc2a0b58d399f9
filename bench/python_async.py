"""Python beyond one blocking loop, against the sandbox run as its own
process (`splio-sms sandbox`, from the release build in CARGO_TARGET_DIR or
./target):

1. 200 concurrent sends through one AsyncClient, the sandbox adding 200 ms
   to every answer, for several pool sizes (the `concurrency` setting):
   they should take about ceil(200 / pool size) x 200 ms.
2. What Ctrl-C handling costs: sequential sends/s on the main thread (the
   core call runs on a helper thread, waited for in slices) beside the same
   sends on another thread (run where they are), alternating rounds.
3. What logging costs when the logger `splio_sms` hears nothing (the
   default): the per-call level check, beside a send's time.

    make bench-python-async      (or: python bench/python_async.py)

The last line is the figures as JSON, for bench/run.py.
"""

import asyncio
import json
import logging
import math
import os
import pathlib
import statistics
import subprocess
import threading
import time

import splio_sms

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve() / "release" / "splio-sms"
RCPTS = [{"cellphone": "+33612345678", "firstname": "John"}]
CONCURRENT = 200
LATENCY = 0.2
ROUNDS = int(os.environ.get("ROUNDS", "3"))
N = int(os.environ.get("N", "3000"))


def sandbox(latency_ms=0):
    # Its stdin stays open until we exit, so it stops with us however we stop.
    server = subprocess.Popen(
        [str(BIN), "sandbox", "--until-stdin-closes", "--latency-ms", str(latency_ms)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    return server, server.stdout.readline().strip()


async def concurrent_sends(base_url, pool):
    async with splio_sms.AsyncClient("sandbox", "sandbox-key", base_url=base_url, concurrency=pool) as client:
        await client.send("AbCdEf123", RCPTS)  # connect once
        start = time.perf_counter()
        results = await asyncio.gather(*(client.send("AbCdEf123", RCPTS) for _ in range(CONCURRENT)))
        took = time.perf_counter() - start
    assert all(r.inserted == 1 for r in results)
    return took


def sequential(client, n):
    start = time.perf_counter()
    for _ in range(n):
        client.send("AbCdEf123", RCPTS)
    return n / (time.perf_counter() - start)


def on_other_thread(client, n):
    out = []
    t = threading.Thread(target=lambda: out.append(sequential(client, n)))
    t.start()
    t.join()
    return out[0]


def level_check_us(n=200_000):
    logger = logging.getLogger("splio_sms")
    start = time.perf_counter()
    for _ in range(n):
        # What each call does once: the levels the bridge asks about.
        logger.isEnabledFor(10)
        logger.isEnabledFor(20)
        logger.isEnabledFor(30)
    return (time.perf_counter() - start) / n * 1e6


def main():
    figures = {}
    server, url = sandbox(int(LATENCY * 1000))
    try:
        for pool in (4, 16, 64):
            took = statistics.median(asyncio.run(concurrent_sends(url, pool)) for _ in range(ROUNDS))
            ideal = math.ceil(CONCURRENT / pool) * LATENCY
            figures[f"async_{pool}"] = took
            print(f"{CONCURRENT} concurrent sends, concurrency={pool}: {took:.2f} s "
                  f"(ceil({CONCURRENT}/{pool}) x {LATENCY * 1000:.0f} ms = {ideal:.2f} s, {took / ideal:.2f}x)", flush=True)
    finally:
        server.kill()

    server, url = sandbox()
    try:
        client = splio_sms.Client("sandbox", "sandbox-key", base_url=url)
        sequential(client, 300)
        main_, other = [], []
        for _ in range(ROUNDS):
            main_.append(sequential(client, N))
            other.append(on_other_thread(client, N))
        m, o = statistics.median(main_), statistics.median(other)
        figures.update(main_thread=m, other_thread=o)
        print(f"sequential sends/s: main thread (helper thread, Ctrl-C honoured) {m:,.0f}, "
              f"another thread (in place) {o:,.0f}: {(1 / m - 1 / o) * 1e6:+.1f} µs a send", flush=True)
    finally:
        server.kill()

    check = level_check_us()
    figures["level_check_us"] = check
    print(f"logging off: the per-call level check costs {check:.2f} µs "
          f"({check / (1e6 / figures['main_thread']) * 100:.2f}% of a loopback send); "
          "records nobody hears stop at one comparison", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
