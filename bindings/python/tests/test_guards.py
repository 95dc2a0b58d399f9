"""The guards on sending: ``text=`` (the design's text; no recipient left
with an empty placeholder) and ``max_segments=`` refuse a send before any
byte leaves, naming each recipient concerned — the command's --text and
--max-segments, from the one rule in the core."""

import asyncio

import pytest

import splio_sms
from conftest import DESIGN, KEY

TEXT = "Bonjour $firstname$"
RCPTS = [
    {"cellphone": "+33612345678", "firstname": "Zoé"},
    {"cellphone": "+33612345679"},
    {"cellphone": "+33612345670", "firstname": "a" * 160},
]


def client_for(sandbox) -> splio_sms.Client:
    return splio_sms.Client(sandbox.universe, KEY, base_url=sandbox.base_url)


def paths(error: splio_sms.SplioError):
    return [p.path for p in error.problems]


def test_send_and_send_batch_refuse_each_recipient_concerned_before_any_byte_leaves(sandbox):
    client = client_for(sandbox)
    with pytest.raises(splio_sms.ValidationError) as sent:
        client.send(DESIGN, RCPTS, text=TEXT, max_segments=1)
    assert paths(sent.value) == ["rcpts[1]", "rcpts[2]"]
    assert "$firstname$" in sent.value.problems[0].message
    assert "max_segments" in sent.value.problems[1].message
    assert sent.value.delivery == "not_sent"
    with pytest.raises(splio_sms.ValidationError) as batch:
        client.send_batch(DESIGN, RCPTS, text=TEXT, max_segments=1)
    assert paths(batch.value) == ["rcpts[1]", "rcpts[2]"]
    assert sandbox.hits == 0 and sandbox.messages == []


def test_a_send_within_the_guards_goes_out(sandbox):
    client = client_for(sandbox)
    assert client.send(DESIGN, RCPTS[:1], text=TEXT, max_segments=1).inserted == 1
    report = client.send_batch(DESIGN, RCPTS[:1], text=TEXT)
    assert report.status == "ok" and report.totals["inserted"] == 1
    assert sandbox.hits == 2


def test_validate_takes_the_guards_beside_the_validation_settings():
    with pytest.raises(splio_sms.ValidationError) as info:
        splio_sms.validate(DESIGN, RCPTS, text=TEXT, max_segments=1)
    assert paths(info.value) == ["rcpts[1]", "rcpts[2]"]
    national = [{"cellphone": "06 12 34 56 78", "firstname": "Zoé"}]
    splio_sms.validate(DESIGN, national, text=TEXT, max_segments=1, default_country="FR")


def test_a_request_that_does_not_validate_is_refused_for_its_own_problems_first(sandbox):
    with pytest.raises(splio_sms.ValidationError) as info:
        client_for(sandbox).send("bad", RCPTS[1:2], text=TEXT)
    assert paths(info.value) == ["message"]


def test_bad_guard_arguments_are_refused_naming_the_keyword(sandbox):
    client = client_for(sandbox)
    with pytest.raises(ValueError, match="max_segments needs the design's text"):
        client.send(DESIGN, RCPTS[:1], max_segments=1)
    with pytest.raises(TypeError, match="max_segments"):
        client.send(DESIGN, RCPTS[:1], text=TEXT, max_segments="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_segments"):
        client.send(DESIGN, RCPTS[:1], text=TEXT, max_segments=True)
    with pytest.raises(ValueError, match="max_segments"):
        client.send(DESIGN, RCPTS[:1], text=TEXT, max_segments=-1)
    with pytest.raises(TypeError, match="text"):
        splio_sms.validate(DESIGN, RCPTS[:1], text=5)  # type: ignore[arg-type]
    assert sandbox.hits == 0


def test_async_client_takes_the_same_guards(sandbox):
    async def main():
        async with splio_sms.AsyncClient(sandbox.universe, KEY, base_url=sandbox.base_url) as client:
            with pytest.raises(splio_sms.ValidationError) as sent:
                await client.send(DESIGN, RCPTS, text=TEXT, max_segments=1)
            with pytest.raises(splio_sms.ValidationError) as batch:
                await client.send_batch(DESIGN, RCPTS, text=TEXT)
            assert sandbox.hits == 0
            ok = await client.send(DESIGN, RCPTS[:1], text=TEXT, max_segments=1)
            return paths(sent.value), paths(batch.value), ok.inserted

    assert asyncio.run(main()) == (["rcpts[1]", "rcpts[2]"], ["rcpts[1]"], 1)
