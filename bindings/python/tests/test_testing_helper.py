"""splio_sms.testing.Sandbox as users' own tests use it."""

import pytest

import splio_sms
from splio_sms.testing import Sandbox

ONE = [{"cellphone": "+33612345678"}]


def test_context_manager_serves_then_stops():
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0)
        client.send("AbCdEf123", ONE)
        assert sandbox.stats["accepted"] == 1
    with pytest.raises(splio_sms.TransportError):
        client.send("AbCdEf123", ONE)
    with pytest.raises(RuntimeError, match="stopped"):
        sandbox.messages


def test_switches_change_answers_at_runtime():
    with Sandbox() as sandbox:
        client = sandbox.client()
        sandbox.set_credit(0)
        with pytest.raises(splio_sms.InsufficientCreditError):
            client.send("AbCdEf123", ONE)
        sandbox.set_credit(None)
        client.send("AbCdEf123", ONE)
        sandbox.reset()
        assert (sandbox.hits, sandbox.messages) == (0, [])
        sandbox.push_fault({"fault": "status", "status": 503, "body": "busy"})
        with pytest.raises(splio_sms.ServerError):
            client.send("AbCdEf123", ONE)


def test_a_bad_fault_is_refused():
    with Sandbox() as sandbox:
        with pytest.raises(ValueError, match="fault"):
            sandbox.push_fault({"fault": "explode"})


def test_errors_as_http_200_mimic_the_service():
    with Sandbox(errors_as_http_200=True) as sandbox:
        client = splio_sms.Client("sandbox", "wrong", base_url=sandbox.base_url)
        with pytest.raises(splio_sms.AuthenticationError) as info:
            client.send("AbCdEf123", ONE)
        assert info.value.http_status == 200
