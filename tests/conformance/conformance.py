"""The conformance suite's one checker: loads the cases, drives the sandbox
over its HTTP control endpoints, and compares what a face observed with what
a case expects. Standard library only, so that every machine running
`make test` can run it; each face brings only a small adapter that turns a
case into a call (see README.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
SETTINGS_TABLE = HERE / "settings.json"

FACES = ("rust", "c", "python", "cli", "php", "java", "serve")
# Faces over the C ABI that answer with its status names (java: bindings/java).
C_FACES = ("c", "java")
OPS = ("send", "send_batch", "validate", "client_new", "preview")
# Operations that need no client (and so no credentials or sandbox URL).
CLIENTLESS = ("validate", "preview")

# The sandbox every face runs against. The key doubles as a leak detector:
# no face may ever print it.
SANDBOX_UNIVERSE = "conformance_u"
SANDBOX_KEY = "conf-K3y-never-shown"
SANDBOX_DESIGNS = ["AbCdEf123"]

# Settings the runner fills in (when a case does not give them) so that a
# client talks to the sandbox.
FILLED = ("universe", "key", "base_url")

# Each face's native signal for an error kind.
C_STATUS = {
    "invalid_argument": "SPLIO_ERR_INVALID_ARGUMENT",
    "validation": "SPLIO_ERR_VALIDATION",
    "auth": "SPLIO_ERR_AUTH",
    "bad_request": "SPLIO_ERR_BAD_REQUEST",
    "insufficient_credit": "SPLIO_ERR_INSUFFICIENT_CREDIT",
    "rate_limited": "SPLIO_ERR_RATE_LIMITED",
    "server": "SPLIO_ERR_SERVER",
    "timeout": "SPLIO_ERR_TIMEOUT",
    "transport": "SPLIO_ERR_TRANSPORT",
    "protocol": "SPLIO_ERR_PROTOCOL",
    "internal": "SPLIO_ERR_INTERNAL",
}
CLI_EXIT = {
    "internal": 1,
    "invalid_argument": 2,
    "validation": 3,
    "auth": 4,
    "insufficient_credit": 5,
    "bad_request": 8,
    "rate_limited": 7,
    "server": 7,
    "timeout": 7,
    "transport": 7,
    "protocol": 7,
}
CLI_PARTIAL = 6
PYTHON_CLASS = {
    "validation": "ValidationError",
    "auth": "AuthenticationError",
    "bad_request": "BadRequestError",
    "insufficient_credit": "InsufficientCreditError",
    "rate_limited": "RateLimitedError",
    "server": "ServerError",
    "timeout": "TimeoutError",
    "transport": "TransportError",
    "protocol": "ProtocolError",
    "internal": "SplioError",
}
# PHP's exceptions (bindings/php): Python's names, with a class of their own
# for the kinds Python raises as ValueError/TypeError or its base class.
PHP_CLASS = {**PYTHON_CLASS, "invalid_argument": "InvalidArgumentError", "internal": "InternalError"}


class Inexpressible(Exception):
    """Raised by an adapter for a case its face cannot express. Reported as a
    failure unless the case names that face in `skip`, with a reason."""


# ---------------------------------------------------------------- cases


def settings_table() -> Dict[str, Dict[str, Any]]:
    """The settings table, by JSON name."""
    rows = json.loads(SETTINGS_TABLE.read_text(encoding="utf-8"))
    return {row["json"]: row for row in rows}


def _expand(v: Any) -> Any:
    """Expands `{"$repeat": text, "times": n, "prefix"?, "suffix"?}` anywhere in a case."""
    if isinstance(v, dict):
        if "$repeat" in v:
            return v.get("prefix", "") + v["$repeat"] * v["times"] + v.get("suffix", "")
        return {k: _expand(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_expand(x) for x in v]
    return v


_CASE_KEYS = {
    "id", "about", "op", "settings", "settings_text", "unset", "request", "request_text",
    "sandbox", "faults", "expect", "expect_by_face", "received", "hits", "skip", "guards",
}
# The guards a send or a validation may carry: the design's text and a limit of SMS parts.
GUARD_KEYS = {"text", "max_segments"}
GUARDED_OPS = ("send", "send_batch", "validate")


def load_cases(directory: Path = CASES_DIR) -> List[Dict[str, Any]]:
    """Every case of every `cases/*.json` file, checked for shape, in file order."""
    cases: List[Dict[str, Any]] = []
    seen = set()
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for raw in doc["cases"]:
            case = _expand(raw)
            where = f"{path.name}: {case.get('id')}"
            unknown = set(case) - _CASE_KEYS
            assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
            assert case.get("id") and case["id"] not in seen, f"{where}: missing or repeated id"
            seen.add(case["id"])
            assert case.get("op") in OPS, f"{where}: op must be one of {OPS}"
            expect = case.get("expect")
            assert isinstance(expect, dict) and len(expect) == 1 and (
                "result" in expect or "error" in expect
            ), f"{where}: expect holds either result or error"
            if case["op"] in ("send", "send_batch"):
                assert "received" in case, f"{where}: a send says what the sandbox must receive"
            if "guards" in case:
                guards = case["guards"]
                assert case["op"] in GUARDED_OPS, f"{where}: guards go with {GUARDED_OPS}"
                assert isinstance(guards, dict) and guards and not set(guards) - GUARD_KEYS, (
                    f"{where}: guards is an object of {sorted(GUARD_KEYS)}"
                )
            for face, reason in case.get("skip", {}).items():
                assert face in FACES and isinstance(reason, str) and reason, (
                    f"{where}: skip maps a face to its reason"
                )
            for face in case.get("expect_by_face", {}):
                assert face in FACES, f"{where}: expect_by_face names an unknown face"
            case["file"] = path.name
            cases.append(case)
    return cases


@dataclass
class Call:
    """One case made ready for a face: the exact texts a JSON face receives,
    and the values behind them."""

    op: str
    settings: Optional[Dict[str, Any]]
    settings_text: str
    request: Any
    request_text: str
    has_request: bool
    # Settings the runner filled in (not the case's own).
    filled: List[str] = field(default_factory=list)
    # The case's guards (`{"text": ..., "max_segments": ...}`), as each face spells them.
    guards: Optional[Dict[str, Any]] = None


def prepare(case: Dict[str, Any], base_url: str) -> Call:
    """The call a face makes for `case` against the sandbox at `base_url`."""
    op = case["op"]
    filled: List[str] = []
    if "settings_text" in case:
        settings = None
        settings_text = case["settings_text"]
    else:
        settings = dict(case.get("settings", {}))
        if op not in CLIENTLESS:
            defaults = {"universe": SANDBOX_UNIVERSE, "key": SANDBOX_KEY, "base_url": base_url}
            for name in FILLED:
                if name not in settings and name not in case.get("unset", []):
                    settings[name] = defaults[name]
                    filled.append(name)
        settings_text = json.dumps(settings, ensure_ascii=False) if settings else ""
    if "request_text" in case:
        request, request_text, has_request = None, case["request_text"], True
    elif "request" in case:
        request = case["request"]
        document = request
        if op == "preview" and settings and isinstance(request, dict):
            # A preview document carries its validation settings itself.
            document = {**request, "settings": settings}
        request_text = json.dumps(document, ensure_ascii=False)
        has_request = True
    else:
        request, request_text, has_request = None, "", False
    return Call(op, settings, settings_text, request, request_text, has_request, filled, case.get("guards"))


# ---------------------------------------------------------------- sandbox


class SandboxControl:
    """The sandbox's control endpoints (`/_sandbox/...`), whoever started it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        origin = re.match(r"^(https?://[^/]+)", base_url)
        assert origin, base_url
        self._root = origin.group(1) + "/_sandbox/"
        # Never through a proxy from the environment: the sandbox is on loopback.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, what: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self._root + what, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with self._opener.open(req, timeout=10) as answer:
            return json.loads(answer.read().decode())

    def prepare(self, case: Dict[str, Any]) -> None:
        """Forgets everything, then applies the case's sandbox settings and faults."""
        self._call("POST", "reset", {})
        live = {"credit": None, "latency_ms": 0, "fail_rate": 0.0}
        live.update(case.get("sandbox", {}))
        self._call("POST", "settings", live)
        if case.get("faults"):
            self._call("POST", "faults", case["faults"])

    def messages(self) -> List[Dict[str, Any]]:
        return self._call("GET", "messages")

    def hits(self) -> int:
        return int(self._call("GET", "stats")["hits"])


class SandboxProcess:
    """`splio-sms sandbox` in the background, on a free loopback port."""

    def __init__(self, exe: str) -> None:
        args = [exe, "sandbox", "--port", "0", "--universe", SANDBOX_UNIVERSE, "--key", SANDBOX_KEY]
        for d in SANDBOX_DESIGNS:
            args += ["--design", d]
        self._proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=clean_env(), text=True
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"the sandbox did not start (said {line!r})")
        self.base_url = line

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def clean_env() -> Dict[str, str]:
    """The environment without SPLIO_* settings or proxies that would change a face's behaviour."""
    drop = re.compile(r"^(SPLIO_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)", re.IGNORECASE)
    return {k: v for k, v in os.environ.items() if not drop.match(k)}


# ---------------------------------------------------------------- what a face saw


@dataclass
class Observed:
    """What one face produced for one case.

    `doc` is the contract document (result, batch report or error), when the
    face gave one. `native` is the face's own signal: the C status name, the
    command's exit code, the Python exception class name (or "returned"),
    Rust's "OK"/"ERR". `text` is any other output (stderr, an exception's
    message)."""

    doc: Optional[Dict[str, Any]]
    native: Any
    text: str = ""


# ---------------------------------------------------------------- the comparison


_ANY_TYPES = {
    "string": str,
    "number": (int, float),
    "null": type(None),
    "array": list,
    "object": dict,
}


def match(expected: Any, actual: Any, where: str, out: List[str]) -> None:
    """Subset comparison: an object's expected keys must match (extra keys are
    fine), a list must have the same length and match item by item, anything
    else must be equal. `{"$type": "string"}` matches any value of that type."""
    if isinstance(expected, dict) and set(expected) == {"$type"}:
        t = _ANY_TYPES[expected["$type"]]
        if not isinstance(actual, t) or isinstance(actual, bool):
            out.append(f"{where}: expected a {expected['$type']}, got {actual!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{where}: expected an object, got {actual!r}")
            return
        for k, v in expected.items():
            if k not in actual:
                out.append(f"{where}.{k}: missing (expected {v!r})")
            else:
                match(v, actual[k], f"{where}.{k}", out)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{where}: expected {expected!r}, got {actual!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            match(e, a, f"{where}[{i}]", out)
        return
    if expected != actual or isinstance(expected, bool) != isinstance(actual, bool):
        out.append(f"{where}: expected {expected!r}, got {actual!r}")


def names(text: str, name: str) -> bool:
    """Whether `text` names `name` as a whole token (so `timeout` is not found
    inside `connect_timeout`, nor `--timeout-ms` inside `--connect-timeout-ms`)."""
    return re.search(r"(?<![A-Za-z0-9_-])" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None


def _fits(kind: str, value: Any) -> bool:
    """Whether a JSON value has the type a setting of `kind` takes (its range aside)."""
    if kind in ("duration_ms", "count"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    return isinstance(value, str)


def cli_route(entry: Optional[Dict[str, Any]], value: Any) -> str:
    """How the command face passes a case's setting: as its flag (`"flag"`)
    when it has one and the value can be written on a command line, else in
    the --config file (`"config"`), where it keeps its JSON spelling."""
    if entry is None or not entry.get("flag"):
        return "config"
    kind = entry["kind"]
    if kind == "bool":
        return "flag" if value is True else "config"
    if kind in ("duration_ms", "count"):
        return "flag" if isinstance(value, int) and not isinstance(value, bool) else "config"
    return "flag" if isinstance(value, str) else "config"


def setting_spelling(face: str, name: str, call: Call, table: Dict[str, Dict[str, Any]]) -> Optional[str]:
    """How `face` must name the setting `name` (its JSON name) in a problem."""
    entry = table.get(name)
    if face == "rust" or face in C_FACES:
        return f"settings.{name}"
    if face == "python":
        return entry["python"] if entry else None
    given = call.settings is not None and name in call.settings
    if not given:
        # Missing: the command names where it may come from.
        return (entry.get("flag") or entry.get("env")) if entry else name
    if name in call.filled or cli_route(entry, call.settings[name]) == "config":
        return name
    return entry["flag"]


def _first_failed_kind(doc: Dict[str, Any]) -> Optional[str]:
    for piece in doc.get("batches", []):
        if piece.get("status") == "error":
            return piece.get("error", {}).get("kind")
    return None


def expected_native(face: str, doc: Dict[str, Any]) -> Any:
    """The native signal that must go with a contract document."""
    is_error = doc.get("status") == "error" and "error" in doc
    is_report = "batches" in doc
    kind = doc["error"].get("kind") if is_error else None
    if face == "rust":
        return "ERR" if is_error else "OK"
    if face == "python":
        return PYTHON_CLASS.get(kind, "?") if is_error else "returned"
    if face == "php":
        return PHP_CLASS.get(kind, "?") if is_error else "returned"
    if face == "serve":
        # An answer line is all there is: the document is the signal.
        return None
    if is_report and doc.get("status") == "partial":
        return "SPLIO_ERR_PARTIAL" if face in C_FACES else CLI_PARTIAL
    if is_report and doc.get("status") == "error":
        kind = _first_failed_kind(doc)
    if kind is None:
        return "SPLIO_OK" if face in C_FACES else 0
    return C_STATUS.get(kind, "?") if face in C_FACES else CLI_EXIT.get(kind, "?")


def _check_problems(exp: Dict[str, Any], got: List[Dict[str, Any]], out: List[str]) -> None:
    want = exp.get("problems", [])
    want_paths = [p["path"] for p in want]
    got_paths = [p.get("path") for p in got]
    same = want_paths == got_paths if exp.get("problems_in_order") else sorted(want_paths) == sorted(got_paths)
    if not same:
        out.append(f"problem paths: expected {want_paths}, got {got_paths}")
        return
    used = set()
    for p in want:
        for i, g in enumerate(got):
            if i in used or g.get("path") != p["path"]:
                continue
            if "contains" in p and p["contains"].lower() not in str(g.get("message", "")).lower():
                continue
            used.add(i)
            break
        else:
            out.append(f"problem {p['path']}: no message containing {p.get('contains')!r} in {got}")


def _check_error_doc(exp: Dict[str, Any], err: Dict[str, Any], skip_problems: bool, out: List[str]) -> None:
    for k in ("kind", "delivery", "http_status", "attempts", "retry_after_ms"):
        if k in exp and err.get(k) != exp[k]:
            out.append(f"error.{k}: expected {exp[k]!r}, got {err.get(k)!r}")
    for text in exp.get("message_contains", []):
        if text.lower() not in str(err.get("message", "")).lower():
            out.append(f"error.message: {text!r} not in {err.get('message')!r}")
    if not skip_problems:
        _check_problems(exp, err.get("problems", []), out)


def _check_invalid_argument_names(
    face: str, exp: Dict[str, Any], call: Call, obs: Observed, table: Dict[str, Dict[str, Any]], out: List[str]
) -> None:
    """A bad setting named in the face's own spelling, in whatever the face printed."""
    text = obs.text
    if obs.doc is not None:
        text += "\n" + json.dumps(obs.doc, ensure_ascii=False)
    for p in exp.get("problems", []):
        path = p["path"]
        if not path.startswith("settings."):
            out.append(f"{face} has no spelling for the problem path {path!r}")
            continue
        name = path[len("settings."):]
        spelled = setting_spelling(face, name, call, table)
        if spelled is None:
            out.append(f"the settings table gives no {face} spelling for {name!r}")
        elif not names(text, spelled):
            out.append(f"the {face} face must name {spelled!r} for {path}; it said: {text.strip()[:300]!r}")


def _mistyped(exp: Dict[str, Any], call: Call, table: Dict[str, Dict[str, Any]]) -> List[str]:
    """The expected problems about a setting missing or of the wrong type (JSON names)."""
    out = []
    for p in exp.get("problems", []):
        name = p["path"][len("settings."):] if p["path"].startswith("settings.") else ""
        entry = table.get(name)
        if entry is None or call.settings is None:
            continue
        if name not in call.settings or not _fits(entry["kind"], call.settings[name]):
            out.append(name)
    return out


def check(
    case: Dict[str, Any],
    face: str,
    call: Call,
    obs: Observed,
    received: List[Dict[str, Any]],
    hits: int,
    table: Dict[str, Dict[str, Any]],
) -> List[str]:
    """Every way `obs` (and what the sandbox saw) differs from `case`, for `face`."""
    out: List[str] = []
    expect = case.get("expect_by_face", {}).get(face, case["expect"])
    doc = obs.doc

    if "raises" in expect:
        # A face-specific expectation: an exception of the face's own language.
        if obs.native != expect["raises"]:
            out.append(f"expected {expect['raises']}, got {obs.native} ({obs.text[:200]!r})")
        for n in expect.get("names", []):
            if not names(obs.text, n):
                out.append(f"the {expect['raises']} must name {n!r}; it said {obs.text[:200]!r}")
    elif "result" in expect:
        if doc is None:
            out.append(f"expected a result document, got none ({obs.native}: {obs.text.strip()[:300]!r})")
        elif doc.get("status") == "error" and "error" in doc:
            out.append(f"expected a result, got the error {json.dumps(doc['error'], ensure_ascii=False)[:400]}")
        else:
            match(expect["result"], doc, "document", out)
            want = expected_native(face, doc)
            if obs.native != want:
                out.append(f"native status: expected {want!r} for this document, got {obs.native!r}")
    else:
        exp = expect["error"]
        kind = exp.get("kind")
        bad_settings = kind == "invalid_argument" and any(
            p["path"].startswith("settings.") for p in exp.get("problems", [])
        )
        if face == "python" and kind == "invalid_argument":
            # A wrong type is a TypeError, raised at the first such argument;
            # bad values are one ValueError naming every one of them.
            mistyped = _mistyped(exp, call, table)
            want = "TypeError" if mistyped else "ValueError"
            if obs.native not in ("ValueError", "TypeError"):
                out.append(f"expected ValueError or TypeError ({want} here), got {obs.native}: {obs.text[:200]!r}")
            elif obs.native != want:
                out.append(f"expected {want}, got {obs.native}: {obs.text[:200]!r}")
            if mistyped:
                spelled = [setting_spelling(face, n, call, table) or n for n in mistyped]
                if not any(names(obs.text, s) for s in spelled):
                    out.append(f"the TypeError must name one of {spelled}; it said {obs.text[:200]!r}")
            else:
                _check_invalid_argument_names(face, exp, call, obs, table, out)
        elif face in ("cli", "serve") and kind == "invalid_argument" and doc is None:
            # Refused before any document: the exit code and the named flag say it all.
            if obs.native != CLI_EXIT["invalid_argument"]:
                out.append(f"exit code: expected 2, got {obs.native} ({obs.text.strip()[:300]!r})")
            _check_invalid_argument_names(face, exp, call, obs, table, out)
        elif doc is None or not (doc.get("status") == "error" and isinstance(doc.get("error"), dict)):
            out.append(f"expected an error document, got {json.dumps(doc, ensure_ascii=False)[:400] if doc else None} "
                       f"({obs.native}: {obs.text.strip()[:300]!r})")
        else:
            # Python and the command name settings their own way; their paths are checked by name.
            renamed = bad_settings and face in ("python", "cli")
            _check_error_doc(exp, doc["error"], renamed, out)
            if renamed:
                _check_invalid_argument_names(face, exp, call, obs, table, out)
            want = expected_native(face, doc)
            if obs.native != want:
                out.append(f"native status: expected {want!r}, got {obs.native!r}")

    _check_received(case, received, out)
    want_hits = case.get("hits")
    if want_hits is None and "error" in expect and expect["error"].get("attempts") == 0:
        want_hits = 0
    if want_hits is not None and hits != want_hits:
        out.append(f"sandbox hits: expected {want_hits}, got {hits}")
    _check_no_key(call, obs, out)
    return out


def _check_received(case: Dict[str, Any], received: List[Dict[str, Any]], out: List[str]) -> None:
    """What the sandbox accepted, as a multiset (pieces may run in any order):
    message and rcpts exactly, opcode and category exactly (absent = none),
    and method, universe, field_order when the case gives them."""
    want = case.get("received", [])
    if len(want) != len(received):
        out.append(f"received: expected {len(want)} message(s), the sandbox accepted {len(received)}: "
                   f"{json.dumps([{k: m.get(k) for k in ('message', 'rcpts')} for m in received], ensure_ascii=False)[:600]}")
        return
    left = list(received)
    for w in want:
        for i, got in enumerate(left):
            if _same_message(w, got):
                del left[i]
                break
        else:
            out.append(f"received: nothing matches {json.dumps(w, ensure_ascii=False)}; the sandbox has "
                       f"{json.dumps([{k: m.get(k) for k in ('message', 'rcpts', 'opcode', 'category')} for m in left], ensure_ascii=False)[:600]}")


def _same_message(want: Dict[str, Any], got: Dict[str, Any]) -> bool:
    for k in ("message", "rcpts", "opcode", "category"):
        if want.get(k) != got.get(k):
            return False
    return all(want[k] == got.get(k) for k in ("method", "universe", "field_order") if k in want)


def _check_no_key(call: Call, obs: Observed, out: List[str]) -> None:
    key = (call.settings or {}).get("key")
    if not isinstance(key, str) or len(key) < 4:
        return
    seen = obs.text + (json.dumps(obs.doc, ensure_ascii=False) if obs.doc is not None else "")
    if key in seen:
        out.append("the API key appears in the face's output")


# ---------------------------------------------------------------- running


Adapter = Callable[[Call], Observed]


def run_case(
    face: str, adapter: Adapter, case: Dict[str, Any], control: SandboxControl, table: Dict[str, Dict[str, Any]]
):
    """("skip", reason) | ("pass", []) | ("fail", [mismatches])."""
    if face in case.get("skip", {}):
        return "skip", [case["skip"][face]]
    call = prepare(case, control.base_url)
    control.prepare(case)
    try:
        obs = adapter(call)
    except Inexpressible as e:
        return "fail", [f"the {face} face cannot express this case ({e}); add an explicit skip with the reason"]
    problems = check(case, face, call, obs, control.messages(), control.hits(), table)
    return ("fail", problems) if problems else ("pass", [])


def run_face(
    face: str,
    adapter: Adapter,
    control: SandboxControl,
    cases: Optional[List[Dict[str, Any]]] = None,
    only: Optional[str] = None,
) -> int:
    """Runs every case on one face, prints each failure and a closing line;
    returns the number of failures."""
    table = settings_table()
    cases = load_cases() if cases is None else cases
    passed = failed = skipped = 0
    for case in cases:
        if only and not re.search(only, case["id"]):
            continue
        verdict, details = run_case(face, adapter, case, control, table)
        if verdict == "pass":
            passed += 1
        elif verdict == "skip":
            skipped += 1
        else:
            failed += 1
            print(f"FAIL {face} {case['file']}:{case['id']}")
            for d in details:
                print(f"    {d}")
    print(f"conformance {face}: {passed} passed, {failed} failed, {skipped} skipped (explicit)", flush=True)
    return failed
