"""Ctrl-C during a blocking send or send_batch: SIGINT is delivered to a
child process running one, whatever it waits for (a slow answer, a
Retry-After, backoff between refused connections). The wait ends at once
with splio_sms.Interrupted — a KeyboardInterrupt, never a RuntimeError —
saying what is known, and the call stops: no retry, no new piece."""

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest

PRELUDE = textwrap.dedent(
    """
    import json, socket, sys
    import splio_sms
    from splio_sms.testing import Sandbox

    def report(e):
        out = {"type": type(e).__name__, "keyboard": isinstance(e, KeyboardInterrupt),
               "text": str(e), "args": [str(a) for a in e.args], "repr": repr(e),
               "delivery": getattr(e, "delivery", None), "attempts": getattr(e, "attempts", None)}
        r = getattr(e, "report", None)
        if r is not None:
            out["report"] = r.to_dict()
        return out

    def sending():
        print("sending", flush=True)
    """
)

CASES = {
    # A slow answer: 30 s away.
    "answer": """
        with Sandbox(key="sig-K3y-secret") as sb:
            sb.delay_next(30)
            client = sb.client()
            sending()
            try:
                client.send("AbCdEf123", [{"cellphone": "+33612345678"}])
                out = {"type": "returned"}
            except BaseException as e:
                out = report(e)
            out["hits"] = sb.hits
    """,
    # Retry-After 25 s, honoured.
    "retry_after": """
        with Sandbox(key="sig-K3y-secret") as sb:
            sb.rate_limit_next(25)
            client = sb.client()
            sending()
            try:
                client.send("AbCdEf123", [{"cellphone": "+33612345678"}])
                out = {"type": "returned"}
            except BaseException as e:
                out = report(e)
            out["hits"] = sb.hits
    """,
    # Refused connections with 10 retries: about 38 s of backoff.
    "backoff": """
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        client = splio_sms.Client("u", "sig-K3y-secret", base_url=f"http://127.0.0.1:{port}/", max_retries=10)
        sending()
        try:
            client.send("AbCdEf123", [{"cellphone": "+33612345678"}])
            out = {"type": "returned"}
        except BaseException as e:
            out = report(e)
    """,
    # 20 pieces, 2 at a time, each answered after 1 s.
    "batch": """
        with Sandbox(key="sig-K3y-secret", latency=1.0) as sb:
            client = sb.client(batch_size=1, concurrency=2)
            sending()
            try:
                client.send_batch("AbCdEf123", [{"cellphone": f"+3360000{i:04d}"} for i in range(20)])
                out = {"type": "returned"}
            except BaseException as e:
                out = report(e)
            out["hits"] = sb.hits
    """,
}


def interrupted(case: str) -> dict:
    script = PRELUDE + textwrap.dedent(CASES[case]) + "\nprint(json.dumps(out), flush=True)\n"
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "sending", child.stderr.read()
        time.sleep(0.5)  # into the wait
        child.send_signal(signal.SIGINT)
        # Each wait would last 25 s or more: ending well within this bound
        # shows the interrupt ended it.
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert "Traceback" not in err, err
    assert "sig-K3y-secret" not in out + err
    return json.loads(out.strip().splitlines()[-1])


def check_interrupted(got: dict) -> None:
    assert got["type"] == "Interrupted", got
    assert got["keyboard"], "not a KeyboardInterrupt"


def test_ctrl_c_while_waiting_for_the_answer_says_delivery_unknown():
    got = interrupted("answer")
    check_interrupted(got)
    assert got["delivery"] == "unknown"
    assert got["attempts"] == 1
    assert "may still be accepted" in got["text"]


def test_ctrl_c_during_a_retry_after_wait_says_not_sent_and_retries_nothing():
    got = interrupted("retry_after")
    check_interrupted(got)
    assert got["delivery"] == "not_sent"
    assert got["attempts"] == 1
    assert got["hits"] == 1


def test_ctrl_c_during_backoff_between_refused_connections_says_not_sent():
    got = interrupted("backoff")
    check_interrupted(got)
    assert got["delivery"] == "not_sent"
    assert 1 <= got["attempts"] <= 11


def test_ctrl_c_during_a_batch_carries_the_report_of_every_recipient():
    got = interrupted("batch")
    check_interrupted(got)
    report = got["report"]
    assert report["interrupted"] is True
    accepted = sum(b["count"] for b in report["batches"] if b["status"] == "ok")
    everyone = sorted(report["not_sent"] + report["unknown"]) 
    assert accepted + len(everyone) == 20
    # The two pieces in flight may be queued; none started after the signal.
    assert report["unknown"] and len(report["unknown"]) <= 2
    assert got["hits"] == accepted + len(report["unknown"])


def test_a_ctrl_c_while_the_exception_is_made_stays_a_keyboard_interrupt(sandbox, monkeypatch):
    # What a SIGINT landing while splio_sms._errors builds the exception does.
    from splio_sms import _errors

    def interrupted_init(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_errors.ServerError, "__init__", interrupted_init)
    sandbox.fail_next(500)
    with pytest.raises(KeyboardInterrupt) as info:
        sandbox.client().send("AbCdEf123", [{"cellphone": "+33612345678"}])
    assert type(info.value) is KeyboardInterrupt
