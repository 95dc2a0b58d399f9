"""splio_sms.preview: what each recipient reads and what it costs, from the core."""

import pytest

import splio_sms


def test_each_recipient_reads_its_own_text_with_encoding_and_segments():
    p = splio_sms.preview(
        "Bonjour $firstname$, votre code: $c0$",
        [
            {"cellphone": "06 12 34 56 78", "firstname": "Zoé", "c0": 1234},
            {"cellphone": "+33612345679", "firstname": "Łukasz", "c0": "9"},
            {"cellphone": "+33612345670", "lastname": "Doe"},
        ],
        default_country="FR",
    )
    first, second, third = p.recipients
    assert (first.cellphone, first.text) == ("+33612345678", "Bonjour Zoé, votre code: 1234")
    assert (first.encoding, first.units, first.segments) == ("gsm7", 29, 1)
    assert (second.encoding, second.forcing_ucs2) == ("ucs2", ["Ł"])
    assert third.missing == ["firstname", "c0"] and third.unused == ["lastname"]
    assert (p.total_recipients, p.total_segments, p.gsm7, p.ucs2) == (3, 3, 2, 1)


def test_long_messages_are_counted_in_parts_as_the_provider_bills():
    rcpts = [{"cellphone": "+33612345678"}]
    assert splio_sms.preview("a" * 160, rcpts).recipients[0].segments == 1
    assert splio_sms.preview("a" * 161, rcpts).recipients[0].segments == 2
    assert splio_sms.preview("€" * 80, rcpts).recipients[0].units == 160
    assert splio_sms.preview("ê" * 71, rcpts).recipients[0].segments == 2


def test_the_wallets_placeholder_and_bad_numbers_are_refused_like_a_send():
    with pytest.raises(splio_sms.ValidationError) as info:
        splio_sms.preview("$MobileWalletsUrl$", [{"cellphone": "+33612345678"}])
    assert info.value.problems[0].path == "text"
    with pytest.raises(splio_sms.ValidationError, match="set default_country"):
        splio_sms.preview("hi", [{"cellphone": "0612345678"}])
    with pytest.raises(TypeError, match="not a setting that validation uses"):
        splio_sms.preview("hi", [{"cellphone": "+33612345678"}], timeout=5)  # type: ignore[call-arg]


def test_a_users_own_test_can_assert_what_the_customer_reads():
    from splio_sms.testing import Sandbox

    with Sandbox(designs={"AbCdEf123": "Bonjour $firstname$ 😀"}, credit=3) as sandbox:
        client = sandbox.client()
        client.send("AbCdEf123", [{"cellphone": "+33612345678", "firstname": "Zoé"}])
        assert sandbox.sms == [
            {"cellphone": "+33612345678", "text": "Bonjour Zoé 😀", "encoding": "ucs2", "segments": 1}
        ]
        assert sandbox.stats["credit"] == 2
