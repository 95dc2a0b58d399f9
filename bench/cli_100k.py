"""Peak memory and total time of `splio-sms send --rcpts` for 100,000 CSV
recipients (1,000 per request, 4 in flight) against a sandbox process, and
the same for 10,000 and 1,000,000 to show that memory does not grow with
the file.

    make bench-cli
"""

import csv
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve() / "release" / "splio-sms"


def write_csv(path, n):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cellphone", "firstname", "lastname", "c0"])
        for i in range(n):
            w.writerow([f"+336{i:08d}", f"First{i}", "Doe", str(100000 + i)])


def run(n, base_url, tmp, latency_note, journal):
    path = os.path.join(tmp, f"r{n}.csv")
    write_csv(path, n)
    env = dict(os.environ, SPLIO_UNIVERSE="sandbox", SPLIO_KEY="sandbox-key", SPLIO_BASE_URL=base_url)
    # The journal (the default, beside the file) or none (--no-journal).
    flag = [] if journal else ["--no-journal"]
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN), "send", "-m", "AbCdEf123", "--rcpts", path, "--batch-size", "1000",
         "--concurrency", "4", "--quiet", *flag],
        env=env,
    )
    # wait4 gives this child's own peak RSS (kilobytes on Linux).
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    assert child.returncode == 0, child.returncode
    size = os.path.getsize(path) / 1e6
    kept = "with its journal" if journal else "--no-journal"
    print(f"{n:>7} recipients ({size:.1f} MB CSV){latency_note}, {kept}: {elapsed:.2f} s, "
          f"peak RSS {usage.ru_maxrss / 1024:.1f} MiB")


def main():
    latency = sys.argv[1] if len(sys.argv) > 1 else "0"
    server = subprocess.Popen(
        [str(BIN), "sandbox", "--latency-ms", latency, "--until-stdin-closes"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        base_url = server.stdout.readline().strip()
        note = f", sandbox latency {latency} ms" if latency != "0" else ""
        with tempfile.TemporaryDirectory() as tmp:
            for n in (10_000, 100_000, 1_000_000):
                for journal in (False, True):
                    run(n, base_url, tmp, note, journal)
    finally:
        server.kill()


if __name__ == "__main__":
    main()
