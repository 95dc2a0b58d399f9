from typing import Iterator

import pytest

from splio_sms.testing import Sandbox

KEY = "py-K3y-never-shown"
DESIGN = "AbCdEf123"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(universe="py_universe", key=KEY) as s:
        yield s
