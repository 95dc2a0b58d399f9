"""Python reads settings through the core's one table: names, defaults,
allowed values and the wording of problems are the core's."""

import ast
import collections.abc
import pathlib

import pytest

import splio_sms
from splio_sms import _native
from conftest import DESIGN

ONE = [{"cellphone": "+33612345678"}]
STUB = pathlib.Path(splio_sms.__file__).with_name("_native.pyi")


def stub_fields(typed_dict):
    """The keys of a TypedDict in the stubs, its bases' first."""
    classes = {n.name: n for n in ast.walk(ast.parse(STUB.read_text())) if isinstance(n, ast.ClassDef)}
    node = classes[typed_dict]
    fields = []
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            fields += stub_fields(base.id)
    return fields + [a.target.id for a in node.body if isinstance(a, ast.AnnAssign)]


def test_the_stubs_list_exactly_the_core_settings():
    table = [s["python"] for s in _native.SETTINGS]
    assert ["universe", "key"] + stub_fields("Settings") == table
    assert sorted(stub_fields("EnvSettings")) == sorted(table)


def test_validate_takes_exactly_the_validation_settings():
    wanted = [s["python"] for s in _native.SETTINGS if s["validation"]]
    assert stub_fields("ValidationSettings") == wanted


def test_help_lists_every_setting_with_its_default():
    text = splio_sms.Client.__doc__
    for s in _native.SETTINGS[2:]:
        assert f"    {s['python']} (" in text, s["python"]
    assert "timeout (float seconds, default 30.0)" in text
    assert 'duplicates (reject | dedupe | allow, default "reject")' in text
    assert splio_sms.Client.__name__ == "Client"
    assert splio_sms.Client.__module__ == "splio_sms"


def test_a_wrong_type_names_the_argument_and_its_type():
    with pytest.raises(TypeError, match="^universe must be str, not int$"):
        splio_sms.Client(5, "k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^timeout must be a number of seconds \(int or float\), not str$"):
        splio_sms.Client("u", "k", timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^retry_unknown must be bool, not int$"):
        splio_sms.Client("u", "k", retry_unknown=1)  # type: ignore[arg-type]


def test_negative_counts_and_durations_are_value_errors():
    with pytest.raises(ValueError, match="^max_retries must be between 0 and 10$"):
        splio_sms.Client("u", "k", max_retries=-1)
    with pytest.raises(ValueError, match="^timeout must be a number of seconds between 0.001 and 3600$"):
        splio_sms.Client("u", "k", timeout=-1)
    with pytest.raises(ValueError, match="batch_size"):
        splio_sms.Client("u", "k", batch_size=10**30)


def test_an_unknown_keyword_suggests_the_python_spelling():
    with pytest.raises(TypeError, match=r"^timeout_ms unknown setting \(did you mean timeout\?\)$"):
        splio_sms.Client("u", "k", timeout_ms=5000)  # type: ignore[call-arg]


def test_none_leaves_a_setting_at_its_default():
    client = splio_sms.Client("u", "k", timeout=None, region=None, base_url=None)  # type: ignore[arg-type]
    assert client.url == "https://s3s.fr/api/triggersms/nph-4.pl"


def test_choices_are_read_without_regard_to_case_like_json():
    assert splio_sms.Client("u", "k", method="post", region="ASIA").url.startswith("https://api.spl4cn.com/")


def test_several_problems_are_named_in_one_error():
    with pytest.raises(ValueError, match="^batch_size must be between 1 and 10000; concurrency must be between 1 and 64$"):
        splio_sms.Client("u", "k", batch_size=0, concurrency=0)


class Rows(collections.abc.Sequence):
    """A read-only sequence, as ORMs and pandas adapters give."""

    def __init__(self, rows):
        self._rows = rows

    def __getitem__(self, i):
        return self._rows[i]

    def __len__(self):
        return len(self._rows)


class Row(collections.abc.Mapping):
    def __init__(self, **fields):
        self._fields = fields

    def __getitem__(self, k):
        return self._fields[k]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self):
        return len(self._fields)


def test_any_sequence_of_mappings_is_accepted(sandbox):
    rcpts = Rows([Row(cellphone="+33612345678", firstname="Zoé"), Row(cellphone="+33612345679")])
    result = sandbox.client().send(DESIGN, rcpts)
    assert result.inserted == 2
    assert sandbox.messages[0]["rcpts"][0] == {"cellphone": "+33612345678", "firstname": "Zoé"}


def test_text_is_not_a_sequence_of_recipients():
    with pytest.raises(TypeError, match="^rcpts must be a sequence of mappings"):
        splio_sms.validate(DESIGN, "+33612345678")  # type: ignore[arg-type]


def test_validate_takes_the_duplicates_setting():
    twice = [{"cellphone": "+33612345678"}, {"cellphone": "0033612345678"}]
    with pytest.raises(splio_sms.ValidationError, match="set duplicates to dedupe or allow"):
        splio_sms.validate(DESIGN, twice)
    assert splio_sms.validate(DESIGN, twice, duplicates="dedupe") is None
    assert splio_sms.validate(DESIGN, twice, duplicates="allow") is None
    with pytest.raises(ValueError, match="^duplicates must be"):
        splio_sms.validate(DESIGN, twice, duplicates="bogus")
    with pytest.raises(TypeError, match="not a setting that validation uses"):
        splio_sms.validate(DESIGN, twice, timeout=5)  # type: ignore[call-arg]


def test_from_env_reads_any_setting_variable(monkeypatch):
    monkeypatch.setenv("SPLIO_UNIVERSE", "u")
    monkeypatch.setenv("SPLIO_KEY", "k")
    monkeypatch.setenv("SPLIO_TIMEOUT_MS", "-5")
    with pytest.raises(ValueError, match="^SPLIO_TIMEOUT_MS must be"):
        splio_sms.Client.from_env()
    monkeypatch.setenv("SPLIO_TIMEOUT_MS", "5000")
    monkeypatch.setenv("SPLIO_ENDPOINT", "nph-3.pl")
    assert splio_sms.Client.from_env().url.endswith("/nph-3.pl")
