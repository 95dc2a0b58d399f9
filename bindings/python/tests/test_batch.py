"""send_batch: pieces, a failing piece, and re-sending exactly the not_sent ones."""

import splio_sms
from conftest import DESIGN


def rcpts(n):
    return [{"cellphone": f"+336{i:08d}"} for i in range(n)]


def test_a_failing_piece_gives_a_partial_report(sandbox):
    client = sandbox.client(batch_size=10, concurrency=1)
    sandbox.delay_next(0)
    sandbox.fail_next(500)
    sandbox.fail_next(400, '{"status":"error","message":"invalid JSON","code":400}')
    report = client.send_batch(DESIGN, rcpts(25))
    assert isinstance(report, splio_sms.BatchReport)
    assert report.status == "partial"
    assert report.totals == {"todo": 10, "done": 10, "inserted": 10}
    assert report.unknown == list(range(10, 20))
    assert report.not_sent == list(range(20, 25))
    assert [b["status"] for b in report.batches] == ["ok", "error", "error"]
    assert report.batches[1]["error"]["delivery"] == "unknown"
    assert report.to_dict()["status"] == "partial"
    assert repr(report).startswith("BatchReport(status='partial', batches=3")


def test_resending_the_not_sent_recipients_doubles_no_one(sandbox):
    client = sandbox.client(batch_size=10, concurrency=2)
    everyone = rcpts(30)
    sandbox.fail_next(400, '{"status":"error","message":"invalid JSON","code":400}')
    report = client.send_batch(DESIGN, everyone)
    assert len(report.not_sent) == 10
    again = client.send_batch(DESIGN, [everyone[i] for i in report.not_sent])
    assert again.status == "ok"
    received = [m["rcpts"] for m in sandbox.messages]
    numbers = [r["cellphone"] for batch in received for r in batch]
    assert sorted(numbers) == sorted(r["cellphone"] for r in everyone)


def test_a_batch_that_does_not_validate_raises_and_sends_nothing(sandbox):
    bad = rcpts(5) + [{"cellphone": "x"}]
    try:
        sandbox.client().send_batch(DESIGN, bad)
    except splio_sms.ValidationError as e:
        assert e.problems[0].path == "rcpts[5].cellphone"
    else:
        raise AssertionError("expected ValidationError")
    assert sandbox.hits == 0


def test_a_batch_where_every_piece_failed_returns_its_report_and_does_not_raise(sandbox):
    # The choice, as documented: a report once pieces were sent, whatever
    # became of them; an exception only when nothing was sent.
    client = splio_sms.Client(sandbox.universe, "wrong-key", base_url=sandbox.base_url, batch_size=2, concurrency=1)
    report = client.send_batch(DESIGN, rcpts(5))
    assert report.status == "error"
    assert report.not_sent == [0, 1, 2, 3, 4]
    assert report.batches[0]["error"]["kind"] == "auth"
    assert sandbox.hits == 1, "after an auth failure no other piece is sent"
    doc = " ".join(splio_sms.Client.send_batch.__doc__.split())
    assert "also when no piece was accepted" in doc
    assert "Raises only when nothing was sent" in doc
