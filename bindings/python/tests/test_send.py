"""Sending through the sandbox over real loopback HTTP: results and what arrived."""

import sys

import splio_sms
from conftest import DESIGN


def test_send_returns_a_typed_result_with_every_count(sandbox):
    client = sandbox.client()
    result = client.send(DESIGN, [{"cellphone": "+33612345678"}, {"cellphone": "+8618612345678"}])
    assert isinstance(result, splio_sms.SendResult)
    assert (result.todo, result.done, result.inserted) == (2, 2, 2)
    assert len(result.campaign_id) == 9
    assert (result.http_status, result.attempts, result.dropped_duplicates) == (200, 1, 0)
    assert repr(result).startswith("SendResult(todo=2, done=2, inserted=2, campaign_id='")


def test_fields_are_sent_as_text_in_order_and_none_is_left_out(sandbox):
    sandbox.client().send(
        DESIGN,
        [{"cellphone": "+33 6 12 34 56 78", "firstname": "Zoé", "c0": 123456, "c1": 1.5, "vip": True, "c2": None}],
        opcode="O12345",
        category="welcome",
    )
    (message,) = sandbox.messages
    assert message["rcpts"] == [
        {"cellphone": "+33612345678", "firstname": "Zoé", "c0": "123456", "c1": "1.5", "vip": "true"}
    ]
    assert (message["opcode"], message["category"]) == ("O12345", "welcome")


def test_tuples_of_recipients_are_accepted(sandbox):
    assert sandbox.client().send(DESIGN, ({"cellphone": "+33612345678"},)).inserted == 1


def test_user_agent_names_the_python_binding(sandbox):
    sandbox.client(user_agent_suffix="shop/1").send(DESIGN, [{"cellphone": "+33612345678"}])
    major, minor = sys.version_info[:2]
    expected = f"splio-sms/{splio_sms.__version__} (python {major}.{minor}) shop/1"
    assert sandbox.messages[0]["user_agent"] == expected


def test_post_is_a_setting(sandbox):
    sandbox.client(method="POST").send(DESIGN, [{"cellphone": "+33612345678"}])
    assert sandbox.messages[0]["method"] == "POST"


def test_dedupe_reports_the_dropped_count(sandbox):
    client = sandbox.client(duplicates="dedupe")
    result = client.send(DESIGN, [{"cellphone": "+33612345678"}, {"cellphone": "0033612345678"}])
    assert result.dropped_duplicates == 1
    assert result.inserted == 1


def test_version_is_the_crate_version():
    assert splio_sms.__version__ == "0.1.0"
