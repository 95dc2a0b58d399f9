"""No secret in any exception: attributes, args, traceback or repr —
including keys that are not valid UTF-8 (a lone surrogate in a str, as
os.environ gives for bytes that are not UTF-8)."""

import os
import traceback

import pytest

import splio_sms

SECRET = "Sur-K3y-secret"


def texts(e: BaseException):
    parts = [str(e), repr(e), "".join(traceback.format_exception(type(e), e, e.__traceback__))]
    parts += [repr(a) for a in e.args]
    parts += [repr(v) for v in vars(e).values()]
    for linked in (e.__cause__, e.__context__):
        if linked is not None:
            parts += texts(linked)
    return parts


def assert_no_secret(e: BaseException):
    for text in texts(e):
        assert SECRET not in text, text


@pytest.mark.parametrize("key", [SECRET + "\udcff", "\udcff" + SECRET, SECRET + "\ud800x"])
def test_a_key_with_a_lone_surrogate_is_refused_without_being_shown(key):
    with pytest.raises(TypeError) as info:
        splio_sms.Client("u", key)
    assert "key must be str, not str holding a lone surrogate" in str(info.value)
    assert_no_secret(info.value)
    with pytest.raises(TypeError) as info:
        splio_sms.AsyncClient("u", key)
    assert_no_secret(info.value)


def test_from_env_with_a_key_that_is_not_utf8_names_only_the_variable(monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", "u")
    monkeypatch.setitem(os.environb, b"SPLIO_KEY", SECRET.encode() + b"\xff")
    with pytest.raises(ValueError) as info:
        splio_sms.Client.from_env()
    assert str(info.value) == "SPLIO_KEY is not valid UTF-8"
    assert_no_secret(info.value)
    # What os.environ shows of it, given back as a keyword.
    shown = os.environ["SPLIO_KEY"]
    monkeypatch.delitem(os.environb, b"SPLIO_KEY")
    with pytest.raises(TypeError) as info:
        splio_sms.Client.from_env(key=shown)
    assert_no_secret(info.value)


def test_an_error_from_a_send_holds_no_key(sandbox):
    client = splio_sms.Client(sandbox.universe, SECRET, base_url=sandbox.base_url)
    sandbox.fail_next(400, '{"status":"error","message":"bad key %s","code":400}' % SECRET)
    with pytest.raises(splio_sms.SplioError) as info:
        client.send("AbCdEf123", [{"cellphone": "+33612345678"}])
    assert_no_secret(info.value)
