"""send_batch(journal=...): a Python service killed with SIGKILL in the middle
of a batch finishes the job by calling send_batch again with the same journal,
and no one gets two SMS (those the journal reports unknown get at most one)."""

import collections
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import splio_sms
from conftest import DESIGN, KEY
from splio_sms.testing import Sandbox

N = 300

CHILD = textwrap.dedent(
    """
    import sys
    import splio_sms
    base_url, journal, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = splio_sms.Client("py_universe", sys.stdin.readline().strip(),
                              base_url=base_url, batch_size=15, concurrency=4)
    rcpts = [{"cellphone": f"+336{i:08d}", "firstname": f"N{i}"} for i in range(n)]
    client.send_batch("AbCdEf123", rcpts, journal=journal)
    """
)


def everyone(n=N):
    return [{"cellphone": f"+336{i:08d}", "firstname": f"N{i}"} for i in range(n)]


def received(sandbox):
    return collections.Counter(r["cellphone"] for m in sandbox.messages for r in m["rcpts"])


@pytest.mark.parametrize("kill_after", [0.0, 0.02, 0.06, 0.12, 0.2, 0.35])
def test_a_service_killed_mid_batch_resumes_without_doubling_anyone(tmp_path, kill_after):
    journal = tmp_path / "campaign.journal"
    with Sandbox(universe="py_universe", key=KEY, latency=0.03) as sandbox:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, sandbox.base_url, str(journal), str(N)],
            stdin=subprocess.PIPE,
            text=True,
        )
        child.stdin.write(KEY + "\n")
        child.stdin.flush()
        deadline = time.monotonic() + 30
        while sandbox.hits == 0 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.001)
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait()

        client = sandbox.client(batch_size=15, concurrency=4)
        report = client.send_batch(DESIGN, everyone(), journal=journal)
        assert report.not_sent == []
        counts = received(sandbox)
        unknown = set(report.unknown)
        for i, r in enumerate(everyone()):
            got = counts[r["cellphone"]]
            if i in unknown:
                assert got <= 1, (i, got)
            else:
                assert got == 1, (i, got, report.to_dict())
        again = client.send_batch(DESIGN, everyone(), journal=journal)
        assert again.batches == []
        assert again.already_sent + len(again.unknown) == N


def test_a_changed_list_is_refused_and_include_unknown_resends_the_unknown(tmp_path, sandbox):
    journal = str(tmp_path / "j.journal")
    client = sandbox.client(batch_size=10, concurrency=1)
    sandbox.delay_next(0)
    sandbox.fail_next(500)
    first = client.send_batch(DESIGN, everyone(30), journal=journal)
    assert first.unknown == list(range(10, 20))
    resumed = client.send_batch(DESIGN, everyone(30), journal=journal)
    assert resumed.already_sent == 20 and resumed.batches == []
    assert resumed.unknown == list(range(10, 20))
    # A changed list is a bad argument, as a bad setting is: ValueError.
    with pytest.raises(ValueError, match="the input changed"):
        client.send_batch(DESIGN, list(reversed(everyone(30))), journal=journal)
    unknown_too = client.send_batch(DESIGN, everyone(30), journal=journal, include_unknown=True)
    assert unknown_too.already_sent == 20
    assert len(unknown_too.batches) == 1
    assert sorted(received(sandbox).values()) == [1] * 30
    with pytest.raises(TypeError):
        client.send_batch(DESIGN, everyone(30), include_unknown=True)
    assert isinstance(unknown_too, splio_sms.BatchReport)
