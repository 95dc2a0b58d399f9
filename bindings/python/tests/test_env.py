"""Client.from_env reads SPLIO_UNIVERSE, SPLIO_KEY, SPLIO_BASE_URL, SPLIO_REGION."""

import pytest

import splio_sms
from conftest import DESIGN, KEY


def test_from_env_reads_credentials_and_base_url(sandbox, monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", "py_universe")
    monkeypatch.setenv("SPLIO_KEY", KEY)
    monkeypatch.setenv("SPLIO_BASE_URL", sandbox.base_url)
    client = splio_sms.Client.from_env(timeout=5.0)
    assert isinstance(client, splio_sms.Client)
    assert client.send(DESIGN, [{"cellphone": "+33612345678"}]).inserted == 1


def test_from_env_reads_the_region(monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", "u")
    monkeypatch.setenv("SPLIO_KEY", "k")
    monkeypatch.delenv("SPLIO_BASE_URL", raising=False)
    monkeypatch.setenv("SPLIO_REGION", "asia")
    assert splio_sms.Client.from_env().url.startswith("https://api.spl4cn.com/")


def test_keywords_override_the_environment(monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", "u")
    monkeypatch.setenv("SPLIO_KEY", "k")
    monkeypatch.setenv("SPLIO_REGION", "asia")
    assert splio_sms.Client.from_env(region="eu").url.startswith("https://s3s.fr/")


@pytest.mark.parametrize("missing", ["SPLIO_UNIVERSE", "SPLIO_KEY"])
def test_a_missing_variable_is_named(monkeypatch, missing):
    monkeypatch.setenv("SPLIO_UNIVERSE", "u")
    monkeypatch.setenv("SPLIO_KEY", "k")
    monkeypatch.delenv(missing)
    with pytest.raises(ValueError, match=missing):
        splio_sms.Client.from_env()
