"""Runs the conformance cases on the Rust API, C ABI, command and `serve
--stdio` faces against one `splio-sms sandbox`. (The Python face runs inside pytest:
bindings/python/tests/test_conformance.py.)

    python3 tests/conformance/run.py --splio-sms target/debug/splio-sms \
        --rust target/debug/examples/conformance_face --c target/conformance/face
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

import conformance as cf  # noqa: E402

REQUEST_KEYS = {"message", "rcpts", "opcode", "category"}


class LineFace:
    """A face speaking the line protocol: three lines in (operation, settings,
    request), one line out (`<status> <document>`). A case's guards follow
    the operation on its line, as the options JSON: `send {"text": ...}`."""

    def __init__(self, name: str, exe: str) -> None:
        self.name = name
        self.exe = exe
        self._proc: Optional[subprocess.Popen] = None

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [self.exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=cf.clean_env(), text=True, encoding="utf-8",
            )
        return self._proc

    def __call__(self, call: cf.Call) -> cf.Observed:
        for text in (call.settings_text, call.request_text):
            if "\n" in text:
                raise cf.Inexpressible("the line protocol carries one-line texts")
        proc = self._start()
        assert proc.stdin and proc.stdout
        op = call.op if call.guards is None else f"{call.op} {json.dumps(call.guards, ensure_ascii=False)}"
        proc.stdin.write(f"{op}\n{call.settings_text}\n{call.request_text}\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            code = proc.wait()
            self._proc = None
            return cf.Observed(None, f"crashed (exit {code})")
        status, _, doc = line.rstrip("\n").partition(" ")
        try:
            parsed = json.loads(doc)
        except ValueError:
            return cf.Observed(None, status, doc)
        return cf.Observed(parsed, status)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            assert self._proc.stdin
            self._proc.stdin.close()
            self._proc.wait(timeout=30)


class PhpFace(LineFace):
    """bindings/php through tests/conformance/face.php: the line protocol,
    `<exception class or "returned"> <document>` out, or `INEXPRESSIBLE <why>`."""

    def __init__(self, php: str, library: str) -> None:
        super().__init__("php", php)
        self.library = library

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            face = str(Path(__file__).resolve().parent / "face.php")
            self._proc = subprocess.Popen(
                [self.exe, "-d", "ffi.enable=true", face, self.library], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, env=cf.clean_env(), text=True, encoding="utf-8",
            )
        return self._proc

    def __call__(self, call: cf.Call) -> cf.Observed:
        observed = super().__call__(call)
        if observed.native == "INEXPRESSIBLE":
            raise cf.Inexpressible(observed.text)
        return observed


class CommandFace:
    """The `splio-sms` command: `send` with --to for one request, `send
    --rcpts FILE.json` for a batch, `validate --rcpts FILE.json`, and for
    client_new a `send` of an invalid request (settings are checked first;
    exit 3 then means the client was made and nothing was sent)."""

    def __init__(self, exe: str, table: Dict[str, Dict[str, Any]]) -> None:
        self.exe = exe
        self.table = table
        self.dir = Path(tempfile.mkdtemp(prefix="splio-conformance-"))

    def _settings_args(self, call: cf.Call) -> List[str]:
        if call.op in cf.CLIENTLESS:
            if call.settings is None:
                raise cf.Inexpressible("validate takes no settings file")
            args = []
            for name, value in call.settings.items():
                entry = self.table.get(name)
                if cf.cli_route(entry, value) != "flag":
                    raise cf.Inexpressible(f"validate takes no settings file, and {name}={value!r} is no flag")
                args += _flag(entry, value)
            return args
        config_path = self.dir / "settings.json"
        args = ["--config", str(config_path)]
        if call.settings is None:
            config_path.write_text(call.settings_text, encoding="utf-8")
            return args
        config: Dict[str, Any] = {}
        for name, value in call.settings.items():
            entry = self.table.get(name)
            if name in call.filled or cf.cli_route(entry, value) == "config":
                config[name] = value
            else:
                args += _flag(entry, value)
        config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        return args

    def _request_args(self, call: cf.Call) -> List[str]:
        if call.op == "client_new":
            return ["--message", "0", "--to", "0"]
        req = call.request
        if call.op == "preview":
            if not isinstance(req, dict) or set(req) - {"text", "rcpts"} or not isinstance(req.get("text"), str):
                raise cf.Inexpressible("preview takes --text and a recipients file")
            if not isinstance(req.get("rcpts"), list):
                raise cf.Inexpressible("a recipients file holds an array")
            path = self.dir / "rcpts.json"
            path.write_text(json.dumps(req["rcpts"], ensure_ascii=False), encoding="utf-8")
            return [f"--text={req['text']}", "--rcpts", str(path)]
        if not isinstance(req, dict):
            raise cf.Inexpressible("the command takes a request as flags and a recipients file, not as JSON text")
        extra = set(req) - REQUEST_KEYS
        if extra:
            raise cf.Inexpressible(f"no flag for the request keys {sorted(extra)}")
        if not isinstance(req.get("message"), str):
            raise cf.Inexpressible("--message is a required text")
        args = [f"--message={req['message']}"]
        for name in ("opcode", "category"):
            value = req.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise cf.Inexpressible(f"--{name} is text")
            args.append(f"--{name}={value}")
        rcpts = req.get("rcpts")
        if not isinstance(rcpts, list):
            raise cf.Inexpressible("a recipients file holds an array")
        if call.op == "send":
            return args + _to_args(rcpts)
        path = self.dir / "rcpts.json"
        path.write_text(json.dumps(rcpts, ensure_ascii=False), encoding="utf-8")
        # Each case is a campaign of its own in one reused file: no journal,
        # which would (rightly) refuse to send the file a second time.
        journal = [] if call.op == "validate" else ["--no-journal"]
        return args + ["--rcpts", str(path)] + journal

    def __call__(self, call: cf.Call) -> cf.Observed:
        command = call.op if call.op in cf.CLIENTLESS else "send"
        args = [self.exe, command, *self._settings_args(call), *self._request_args(call), *_guard_args(call), "--json"]
        done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", env=cf.clean_env(), timeout=120)
        doc = None
        for line in reversed(done.stdout.splitlines()):
            if line.strip():
                try:
                    doc = json.loads(line)
                except ValueError:
                    pass
                break
        if call.op == "client_new" and done.returncode == 3 and doc and doc.get("error", {}).get("kind") == "validation":
            return cf.Observed({"status": "ok"}, 0, done.stderr)
        return cf.Observed(doc, done.returncode, done.stderr + done.stdout)


def _guard_args(call: cf.Call) -> List[str]:
    """The case's guards as `send` and `validate` take them: --text, --max-segments."""
    g = call.guards or {}
    args = [f"--text={g['text']}"] if "text" in g else []
    return args + ([f"--max-segments={g['max_segments']}"] if "max_segments" in g else [])
class ServeFace:
    """`splio-sms serve --stdio`: each case one line to a long-lived process,
    started again only when a case's settings differ from the last ones, so
    that cases share one client and its connection pool as a coprocess does.
    Settings reach it as they reach the command (flags, else --config); the
    case's answer is the line's document without its "id" and "line"."""

    def __init__(self, exe: str, table: Dict[str, Dict[str, Any]], base_url: str) -> None:
        self.exe = exe
        self.table = table
        self.base_url = base_url
        self.dir = Path(tempfile.mkdtemp(prefix="splio-conformance-serve-"))
        self._proc: Optional[subprocess.Popen] = None
        self._started: Any = None
        self._lines = 0

    def _settings(self, call: cf.Call) -> Any:
        """(flags, config text) for the process this case needs."""
        if call.settings is None:
            return (), call.settings_text
        settings = dict(call.settings)
        if call.op == "preview":
            # A preview line carries its own settings; the process only needs a client.
            settings = {}
        config: Dict[str, Any] = {}
        if call.op in cf.CLIENTLESS:
            # serve makes its client first, even to validate: give it the sandbox.
            config = {"universe": cf.SANDBOX_UNIVERSE, "key": cf.SANDBOX_KEY, "base_url": self.base_url}
        flags: List[str] = []
        for name, value in settings.items():
            entry = self.table.get(name)
            if name in call.filled or cf.cli_route(entry, value) == "config":
                config[name] = value
            else:
                flags += _flag(entry, value)
        return tuple(flags), json.dumps(config, ensure_ascii=False)

    def _process(self, call: cf.Call) -> subprocess.Popen:
        wanted = self._settings(call)
        if self._proc is not None and self._proc.poll() is None and wanted == self._started:
            return self._proc
        self.stop()
        flags, config = wanted
        config_path = self.dir / "settings.json"
        config_path.write_text(config, encoding="utf-8")
        self._stderr = open(self.dir / "stderr.txt", "w+", encoding="utf-8")
        self._proc = subprocess.Popen(
            [self.exe, "serve", "--stdio", "--config", str(config_path), *flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env=cf.clean_env(), text=True, encoding="utf-8",
        )
        self._started = wanted
        self._lines = 0
        return self._proc

    def _line(self, call: cf.Call) -> str:
        if call.op == "client_new":
            # Settings are checked at start; a refused request means the client was made.
            return '{"message": "0", "rcpts": []}'
        req = call.request
        if call.op == "preview" and isinstance(req, dict):
            req = json.loads(call.request_text)  # the request with its settings
        if req is None or not isinstance(req, dict):
            try:
                parsed = json.loads(call.request_text)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict) and (call.op != "send" or call.guards is not None):
                raise cf.Inexpressible("a raw request text cannot carry the op or options")
            return call.request_text
        if {"id", "op", "options"} & set(req):
            raise cf.Inexpressible("id, op and options are the line's own keys")
        line = {"id": self._lines + 1, "op": call.op}
        if call.guards is not None:
            line["options"] = call.guards
        return json.dumps({**line, **req}, ensure_ascii=False)

    def __call__(self, call: cf.Call) -> cf.Observed:
        if "\n" in call.request_text or "\n" in call.settings_text:
            raise cf.Inexpressible("a line carries one-line texts")
        proc = self._process(call)
        line = self._line(call)
        assert proc.stdin and proc.stdout
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass
        answer = proc.stdout.readline()
        self._lines += 1
        if not answer:
            code = proc.wait(timeout=30)
            self._proc = None
            self._stderr.seek(0)
            return cf.Observed(None, code, self._stderr.read())
        doc = json.loads(answer)
        if doc.pop("line", None) != self._lines:
            return cf.Observed(None, "answer out of order", answer)
        echoed = doc.pop("id", None)
        if echoed is not None and echoed != self._lines:
            return cf.Observed(None, f"id {echoed!r} echoed for line {self._lines}", answer)
        if call.op == "client_new" and doc.get("error", {}).get("kind") == "validation":
            return cf.Observed({"status": "ok"}, None)
        return cf.Observed(doc, None)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            assert self._proc.stdin
            self._proc.stdin.close()
            code = self._proc.wait(timeout=30)
            assert code == 0, f"serve ended with {code} at the end of its input"
        self._proc = None


def _flag(entry: Dict[str, Any], value: Any) -> List[str]:
    return [entry["flag"]] if value is True else [f"{entry['flag']}={value}"]


def _to_args(rcpts: List[Any]) -> List[str]:
    """--to for each recipient and --field for the fields they all share."""
    if not rcpts:
        raise cf.Inexpressible("--to needs at least one recipient")
    fields = None
    args = []
    for r in rcpts:
        if not isinstance(r, dict) or not isinstance(r.get("cellphone"), str):
            raise cf.Inexpressible("--to takes recipients with a text cellphone")
        these = {k: v for k, v in r.items() if k != "cellphone"}
        if any(not isinstance(v, str) for v in these.values()):
            raise cf.Inexpressible("--field values are text")
        if fields is not None and these != fields:
            raise cf.Inexpressible("--field gives every --to recipient the same fields")
        fields = these
        args.append(f"--to={r['cellphone']}")
    return args + [f"--field={k}={v}" for k, v in (fields or {}).items()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splio-sms", required=True, help="the splio-sms command (runs the sandbox, and is the command face)")
    ap.add_argument("--rust", help="the Rust face binary (examples/conformance_face)")
    ap.add_argument("--c", help="the C face binary (tests/conformance/face.c)")
    ap.add_argument("--php", help="the PHP interpreter, for the php face (bindings/php)")
    ap.add_argument("--library", help="libsplio_sms.so, for the php face")
    ap.add_argument("--java", help="the Java face: a program starting bindings/java/test/ConformanceFace")
    ap.add_argument("--faces", default="rust,c,cli,serve")
    ap.add_argument("--only", help="run only the cases whose id matches this regular expression")
    a = ap.parse_args()

    table = cf.settings_table()
    cases = cf.load_cases()
    sandbox = cf.SandboxProcess(a.splio_sms)
    failed = 0
    try:
        control = cf.SandboxControl(sandbox.base_url)
        for face in a.faces.split(","):
            if face == "cli":
                failed += cf.run_face("cli", CommandFace(a.splio_sms, table), control, cases, a.only)
                continue
            if face == "serve":
                serve = ServeFace(a.splio_sms, table, sandbox.base_url)
                try:
                    failed += cf.run_face("serve", serve, control, cases, a.only)
                finally:
                    serve.stop()
                continue
            if face == "php":
                if not (a.php and a.library):
                    ap.error("--php and --library are needed to run the php face")
                php_face = PhpFace(a.php, a.library)
                try:
                    failed += cf.run_face(face, php_face, control, cases, a.only)
                finally:
                    php_face.stop()
                continue
            exe = {"rust": a.rust, "c": a.c, "java": a.java}[face]
            if not exe:
                ap.error(f"--{face} is needed to run the {face} face")
            line_face = LineFace(face, exe)
            try:
                failed += cf.run_face(face, line_face, control, cases, a.only)
            finally:
                line_face.stop()
    finally:
        sandbox.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
