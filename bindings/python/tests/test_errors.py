"""Every exception class, with its attributes, raised by a real exchange."""

import socket

import pytest

import splio_sms
from conftest import DESIGN, KEY
from splio_sms.testing import Sandbox

ONE = [{"cellphone": "+33612345678"}]


def test_validation_error_lists_every_problem_in_request_order():
    with pytest.raises(splio_sms.ValidationError) as info:
        splio_sms.validate("bad", [{"cellphone": "12"}, "not a dict", {"cellphone": "+33612345678", "c0": [1]}])
    e = info.value
    assert [p.path for p in e.problems] == ["message", "rcpts[0].cellphone", "rcpts[1]", "rcpts[2].c0"]
    assert e.problems[0] == splio_sms.Problem("message", e.problems[0].message)
    assert (e.kind, e.delivery, e.attempts, e.http_status) == ("validation", "not_sent", 0, None)
    assert isinstance(e, splio_sms.SplioError)


def test_validate_returns_none_for_a_good_request():
    assert splio_sms.validate(DESIGN, ONE) is None


def test_repeated_numbers_are_rejected_by_default():
    with pytest.raises(splio_sms.ValidationError, match=r"repeats rcpts\[0\]"):
        splio_sms.validate(DESIGN, [{"cellphone": "+33612345678"}, {"cellphone": "33612345678"}])


def test_wrong_key_raises_authentication_error(sandbox):
    client = splio_sms.Client("py_universe", "wrong", base_url=sandbox.base_url)
    with pytest.raises(splio_sms.AuthenticationError) as info:
        client.send(DESIGN, ONE)
    e = info.value
    assert (e.kind, e.http_status, e.delivery, e.attempts) == ("auth", 400, "not_sent", 1)
    assert "invalid key for this universe" in e.message


def test_unknown_design_raises_bad_request_error():
    with Sandbox(universe="u", key="k", designs=["ZzZzZz999"]) as sandbox:
        with pytest.raises(splio_sms.BadRequestError, match="invalid message ID"):
            sandbox.client().send(DESIGN, ONE)


def test_no_credit_raises_insufficient_credit_error():
    with Sandbox(credit=0) as sandbox:
        with pytest.raises(splio_sms.InsufficientCreditError) as info:
            sandbox.client().send(DESIGN, ONE)
        assert info.value.delivery == "not_sent"
        assert sandbox.messages == []


def test_rate_limit_raises_with_retry_after(sandbox):
    sandbox.rate_limit_next(retry_after=3600)
    with pytest.raises(splio_sms.RateLimitedError) as info:
        sandbox.client().send(DESIGN, ONE)
    assert info.value.retry_after == 3600.0
    assert info.value.http_status == 429


def test_server_error_has_unknown_delivery_and_is_not_retried(sandbox):
    sandbox.fail_next(502, "<html>Bad Gateway</html>")
    with pytest.raises(splio_sms.ServerError) as info:
        sandbox.client().send(DESIGN, ONE)
    assert (info.value.delivery, info.value.attempts, info.value.http_status) == ("unknown", 1, 502)
    assert sandbox.hits == 1


def test_timeout_error_is_also_the_builtin_timeout_error(sandbox):
    sandbox.delay_next(1.0)
    with pytest.raises(TimeoutError) as info:
        sandbox.client(timeout=0.2).send(DESIGN, ONE)
    e = info.value
    assert isinstance(e, splio_sms.TimeoutError)
    assert isinstance(e, splio_sms.SplioError)
    assert (e.kind, e.delivery) == ("timeout", "unknown")


def test_connection_refused_raises_transport_error_not_sent():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = splio_sms.Client("u", "k", base_url=f"http://127.0.0.1:{port}/", max_retries=1)
    with pytest.raises(splio_sms.TransportError) as info:
        client.send(DESIGN, ONE)
    assert (info.value.delivery, info.value.attempts) == ("not_sent", 2)


def test_html_with_http_200_raises_protocol_error(sandbox):
    sandbox.fail_next(200, "<html>captive portal</html>")
    with pytest.raises(splio_sms.ProtocolError) as info:
        sandbox.client().send(DESIGN, ONE)
    assert info.value.delivery == "unknown"


def test_dropped_connection_raises_transport_error_unknown(sandbox):
    sandbox.drop_next()
    with pytest.raises(splio_sms.TransportError) as info:
        sandbox.client().send(DESIGN, ONE)
    assert info.value.delivery == "unknown"
    assert sandbox.hits == 1


def test_every_class_derives_from_splio_error():
    for name in [
        "ValidationError", "AuthenticationError", "BadRequestError", "InsufficientCreditError",
        "RateLimitedError", "ServerError", "TimeoutError", "TransportError", "ProtocolError",
    ]:
        assert issubclass(getattr(splio_sms, name), splio_sms.SplioError), name


def test_the_key_appears_in_no_error_or_repr(sandbox):
    client = sandbox.client()
    assert KEY not in repr(client)
    sandbox.fail_next(400, '{"status":"error","message":"bad key %s","code":400}' % KEY)
    with pytest.raises(splio_sms.SplioError) as info:
        client.send(DESIGN, ONE)
    for text in (str(info.value), repr(info.value), info.value.message):
        assert KEY not in text
    with pytest.raises(ValueError) as bad:
        splio_sms.Client("u", KEY + " with space")
    assert KEY not in str(bad.value)
