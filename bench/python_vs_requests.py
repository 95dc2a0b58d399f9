"""Sequential sends/s from Python: splio_sms vs requests.Session doing the
same PUT (form body encoded per call, JSON answer read) to the same loopback
sandbox, run as its own process like a real server (`splio-sms sandbox`, from
the release build in CARGO_TARGET_DIR or ./target). Three alternating rounds;
prints each and the medians.

    make bench-python      (or: python bench/python_vs_requests.py [N])

Over HTTPS (make bench): CA_FILE is the private CA splio_sms adds to its
roots, CA_BUNDLE the system bundle plus that CA for requests; NEW=1 makes a
client (a requests.Session) for each send.
"""

import json
import os
import pathlib
import subprocess
import statistics
import sys
import time
from urllib.parse import urlencode

import requests

import splio_sms

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
# requests' own count: a new Session per send loads the CA bundle each time
# (tens of ms), so a few hundred already make seconds of steady state.
N_THEIRS = int(os.environ.get("N_THEIRS", N))
RCPTS = [{"cellphone": "+33612345678", "firstname": "John"}]
CA_FILE = os.environ.get("CA_FILE")
CA_BUNDLE = os.environ.get("CA_BUNDLE", True)
NEW = os.environ.get("NEW") == "1"
WARM_UP = 20 if NEW else 200


ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target").resolve() / "release" / "splio-sms"


def with_splio(base_url):
    def make():
        return splio_sms.Client("sandbox", "sandbox-key", base_url=base_url, ca_file=CA_FILE)

    client = make()

    def send():
        assert (make() if NEW else client).send("AbCdEf123", RCPTS).inserted == 1

    for _ in range(WARM_UP):
        send()
    start = time.perf_counter()
    for _ in range(N):
        send()
    return N / (time.perf_counter() - start)


def with_requests(base_url):
    session = requests.Session()
    url = base_url + "nph-4.pl"
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

    def send():
        body = urlencode({
            "universe": "sandbox", "key": "sandbox-key", "message": "AbCdEf123",
            "rcpts": json.dumps(RCPTS, separators=(",", ":"), ensure_ascii=False),
        })
        s = requests.Session() if NEW else session
        answer = s.put(url, data=body, headers=headers, allow_redirects=False, timeout=30,
                       verify=CA_BUNDLE)
        assert answer.json()["status"] == "ok"
        if NEW:
            s.close()

    for _ in range(WARM_UP):
        send()
    start = time.perf_counter()
    for _ in range(N_THEIRS):
        send()
    return N_THEIRS / (time.perf_counter() - start)


def main():
    ours, theirs = [], []
    # BASE_URL: another server (make bench passes its nginx); else a sandbox process.
    server = None
    base_url = os.environ.get("BASE_URL")
    if not base_url:
        # Its stdin stays open until we exit, so it stops with us however we stop.
        server = subprocess.Popen(
            [str(BIN), "sandbox", "--until-stdin-closes"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        base_url = server.stdout.readline().strip()
    try:
        for round_ in range(1, int(os.environ.get("ROUNDS", "3")) + 1):
            ours.append(with_splio(base_url))
            theirs.append(with_requests(base_url))
            print(f"round {round_}: splio_sms {ours[-1]:.0f} sends/s, requests {theirs[-1]:.0f} sends/s")
    finally:
        if server:
            server.kill()
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"median: splio_sms {a:.0f} sends/s, requests.Session {b:.0f} sends/s, ratio {a / b:.1f}x")


if __name__ == "__main__":
    main()
