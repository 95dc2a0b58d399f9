"""The core's log records in Python's logging, under the logger splio_sms:
one per attempt (DEBUG), per retry (WARNING), per outcome (INFO or
WARNING); numbers masked unless log_full_numbers; never the key."""

import logging
import socket

import splio_sms
from conftest import DESIGN, KEY

TWO = [{"cellphone": "+33612345678"}, {"cellphone": "+8618612345678"}]


def records(caplog):
    got = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "splio_sms"]
    for _, text in got:
        assert KEY not in text
    return got


def test_a_send_logs_its_attempt_and_its_outcome_with_numbers_masked(sandbox, caplog):
    caplog.set_level(logging.DEBUG, logger="splio_sms")
    client = sandbox.client()
    client.send(DESIGN, TWO)
    got = records(caplog)
    assert [level for level, _ in got] == ["DEBUG", "INFO"], got
    attempt = got[0][1]
    assert attempt.startswith(f"attempt 1: {client.url} for 2 recipients (+336****5678, +861****5678): HTTP 200 in ")
    assert got[1][1].startswith("sent to 2 recipients (+336****5678, +861****5678): 2 queued, campaign ")
    assert all("+33612345678" not in text for _, text in got)


def test_a_retry_is_a_warning_with_its_reason_and_wait(sandbox, caplog):
    caplog.set_level(logging.DEBUG, logger="splio_sms")
    sandbox.rate_limit_next(0)
    sandbox.client().send(DESIGN, TWO[:1])
    got = records(caplog)
    assert [level for level, _ in got] == ["DEBUG", "WARNING", "DEBUG", "INFO"], got
    assert "failed (rate_limited, not_sent)" in got[1][1]
    assert "retrying in 0 ms (the service's Retry-After)" in got[1][1]


def test_refused_connections_log_each_attempt_and_a_final_warning(caplog):
    caplog.set_level(logging.DEBUG, logger="splio_sms")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = splio_sms.Client("u", KEY, base_url=f"http://127.0.0.1:{port}/", max_retries=2)
    try:
        client.send(DESIGN, TWO[:1])
    except splio_sms.TransportError:
        pass
    got = records(caplog)
    assert [level for level, _ in got] == ["DEBUG", "WARNING"] * 2 + ["DEBUG", "WARNING"], got
    assert got[-1][1].startswith("not sent for 1 recipient (+336****5678): transport: ")
    assert "after 3 attempts" in got[-1][1]


def test_log_full_numbers_shows_them_whole(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="splio_sms")
    sandbox.client(log_full_numbers=True).send(DESIGN, TWO)
    assert "(+33612345678, +8618612345678)" in records(caplog)[0][1]


def test_the_level_is_the_loggers_and_warning_hears_no_success(sandbox, caplog):
    client = sandbox.client()
    caplog.set_level(logging.INFO, logger="splio_sms")
    client.send(DESIGN, TWO)
    assert [level for level, _ in records(caplog)] == ["INFO"]
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="splio_sms")
    client.send(DESIGN, TWO)
    assert records(caplog) == []


def test_a_batch_logs_from_its_worker_threads(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="splio_sms")
    client = sandbox.client(batch_size=1, concurrency=4)
    client.send_batch(DESIGN, [{"cellphone": f"+3360000000{i}"} for i in range(8)])
    got = records(caplog)
    assert len(got) == 8
    assert all(text.startswith("sent to 1 recipient (+336****000") for _, text in got), got
