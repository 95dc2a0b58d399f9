"""The stubs describe the real API: a typed program passes mypy --strict and runs."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def test_typed_usage_passes_mypy_strict():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(HERE / "typed_usage.py")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_usage_runs():
    result = subprocess.run([sys.executable, str(HERE / "typed_usage.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_mypy_refuses_a_keyword_the_core_does_not_have(tmp_path):
    program = tmp_path / "wrong.py"
    program.write_text('import splio_sms\nsplio_sms.Client("u", "k", timeout_ms=5000)\n')
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(program)], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout
    assert "timeout_ms" in result.stdout
