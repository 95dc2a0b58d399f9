"""Wrong types raise TypeError and bad values ValueError, naming the argument."""

import pytest

import splio_sms
from conftest import DESIGN

ONE = [{"cellphone": "+33612345678"}]


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda c: c.send(123, ONE), "message"),
        (lambda c: c.send(DESIGN, "+33612345678"), "rcpts"),
        (lambda c: c.send(DESIGN, {"cellphone": "+33612345678"}), "rcpts"),
        (lambda c: c.send(DESIGN, ONE, opcode=5), "opcode"),
        (lambda c: c.send(DESIGN, ONE, category=["x"]), "category"),
        (lambda c: c.send_batch(None, ONE), "message"),
    ],
)
def test_wrong_argument_types_raise_type_error_naming_the_argument(sandbox, call, name):
    with pytest.raises(TypeError, match=name):
        call(sandbox.client())


@pytest.mark.parametrize(
    "settings, name",
    [
        ({"region": "us"}, "region"),
        ({"method": "GET"}, "method"),
        ({"duplicates": "skip"}, "duplicates"),
        ({"timeout": 0}, "timeout"),
        ({"connect_timeout": -1.0}, "connect_timeout"),
        ({"batch_size": 0}, "batch_size"),
        ({"concurrency": 0}, "concurrency"),
        ({"base_url": "http://sms.example.com/"}, "base_url"),
        ({"endpoint": "a/b"}, "endpoint"),
        ({"ca_file": "/nonexistent.pem"}, "ca_file"),
    ],
)
def test_bad_setting_values_raise_value_error_naming_the_setting(settings, name):
    with pytest.raises(ValueError, match=name):
        splio_sms.Client("u", "k", **settings)


def test_unknown_settings_raise_type_error():
    with pytest.raises(TypeError, match="timout"):
        splio_sms.Client("u", "k", timout=5)  # type: ignore[call-arg]


def test_wrong_setting_types_raise_type_error():
    with pytest.raises(TypeError, match="max_retries"):
        splio_sms.Client("u", "k", max_retries="2")  # type: ignore[arg-type]


def test_empty_credentials_raise_value_error():
    with pytest.raises(ValueError, match="universe"):
        splio_sms.Client("", "k")
    with pytest.raises(ValueError, match="key"):
        splio_sms.Client("u", "")


def test_client_repr_shows_universe_and_url_but_not_the_key():
    client = splio_sms.Client("my_universe", "s3cr3t-key")
    assert repr(client) == "<splio_sms.Client universe='my_universe' url='https://s3s.fr/api/triggersms/nph-4.pl'>"
    assert client.universe == "my_universe"
    assert splio_sms.Client("u", "k", region="asia").url.startswith("https://api.spl4cn.com/")
