"""The conformance suite (tests/conformance at the repository's root) on the
Python face: each case becomes a call to splio_sms, judged by the suite's
one checker against an in-process sandbox."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import splio_sms
from splio_sms.testing import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "conformance"))

import conformance as cf  # noqa: E402

CASES = cf.load_cases()
TABLE = cf.settings_table()
REQUEST_KEYS = {"message", "rcpts", "opcode", "category"}


@pytest.fixture(scope="module")
def control() -> Iterator[cf.SandboxControl]:
    with Sandbox(universe=cf.SANDBOX_UNIVERSE, key=cf.SANDBOX_KEY, designs=cf.SANDBOX_DESIGNS) as s:
        yield cf.SandboxControl(s.base_url)


def keywords(call: cf.Call) -> Dict[str, Any]:
    """The case's settings as keyword arguments, through the settings table
    (durations in seconds)."""
    if call.settings is None:
        raise cf.Inexpressible("Python passes keyword arguments, not JSON text")
    kwargs = {}
    for name, value in call.settings.items():
        entry = TABLE.get(name)
        if entry is None or not entry.get("python"):
            raise cf.Inexpressible(f"no Python keyword for the setting {name!r}")
        if entry["kind"] == "duration_ms" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = value / 1000
        kwargs[entry["python"]] = value
    return kwargs


def request_arguments(call: cf.Call) -> tuple:
    req = call.request
    if not isinstance(req, dict):
        raise cf.Inexpressible("Python passes values, not JSON text")
    if set(req) - REQUEST_KEYS or "message" not in req or "rcpts" not in req:
        raise cf.Inexpressible("a missing or unknown argument is refused by the interpreter")
    return (req["message"], req["rcpts"]), {k: req[k] for k in ("opcode", "category") if k in req}


def result_document(r: splio_sms.SendResult) -> Dict[str, Any]:
    return {
        "status": "ok",
        "result": {"todo": r.todo, "done": r.done, "inserted": r.inserted, "campaign_id": r.campaign_id},
        "http_status": r.http_status,
        "attempts": r.attempts,
        "dropped_duplicates": r.dropped_duplicates,
    }


def error_document(e: splio_sms.SplioError) -> Dict[str, Any]:
    error: Dict[str, Any] = {
        "kind": e.kind,
        "message": e.message,
        "http_status": e.http_status,
        "delivery": e.delivery,
        "attempts": e.attempts,
        "problems": [{"path": p.path, "message": p.message} for p in e.problems],
    }
    if e.retry_after is not None:
        error["retry_after_ms"] = round(e.retry_after * 1000)
    return {"status": "error", "error": error}


def python_face(call: cf.Call) -> cf.Observed:
    settings = keywords(call)
    if call.op == "preview":
        return python_preview(call, settings)
    args, options = request_arguments(call) if call.has_request else ((), {})
    options.update(call.guards or {})
    try:
        if call.op == "validate":
            splio_sms.validate(*args, **options, **settings)
            return cf.Observed({"status": "ok"}, "returned")
        client = splio_sms.Client(**settings)
        if call.op == "client_new":
            return cf.Observed({"status": "ok"}, "returned")
        if call.op == "send":
            return cf.Observed(result_document(client.send(*args, **options)), "returned")
        return cf.Observed(client.send_batch(*args, **options).to_dict(), "returned")
    except splio_sms.SplioError as e:
        return cf.Observed(error_document(e), type(e).__name__, str(e))
    except Exception as e:  # what a user would see: the class and its text
        return cf.Observed(None, type(e).__name__, str(e))


def python_preview(call: cf.Call, settings: Dict[str, Any]) -> cf.Observed:
    req = call.request
    if not isinstance(req, dict) or set(req) - {"text", "rcpts"} or "text" not in req or "rcpts" not in req:
        raise cf.Inexpressible("a missing or unknown argument is refused by the interpreter")
    try:
        p = splio_sms.preview(req["text"], req["rcpts"], **settings)
    except splio_sms.SplioError as e:
        return cf.Observed(error_document(e), type(e).__name__, str(e))
    except Exception as e:  # what a user would see: the class and its text
        return cf.Observed(None, type(e).__name__, str(e))
    fields = ("index", "cellphone", "text", "encoding", "units", "segments", "forcing_ucs2", "missing", "unused")
    document = {
        "status": "ok",
        "recipients": [{f: getattr(r, f) for f in fields} for r in p.recipients],
        "totals": {"recipients": p.total_recipients, "segments": p.total_segments, "gsm7": p.gsm7, "ucs2": p.ucs2},
    }
    return cf.Observed(document, "returned")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance(case: Dict[str, Any], control: cf.SandboxControl) -> None:
    verdict, details = cf.run_case("python", python_face, case, control, TABLE)
    if verdict == "skip":
        pytest.skip(details[0])
    assert verdict == "pass", f"{case['file']}:{case['id']}\n" + "\n".join(details)
