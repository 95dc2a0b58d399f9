from typing import Iterator

import pytest

from splio_sms.testing import Sandbox

KEY = "py-K3y-never-shown"
DESIGN = "AbCdEf123"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(universe="py_universe", key=KEY) as s:
        yield s


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """The conformance suite's closing line, like the other faces print."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in counts:
        for report in terminalreporter.stats.get(outcome, []):
            if "test_conformance.py" in getattr(report, "nodeid", "") and getattr(report, "when", "call") in ("call", "setup"):
                counts[outcome] += 1
    if any(counts.values()):
        terminalreporter.write_line(
            f"conformance python: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped (explicit)"
        )
