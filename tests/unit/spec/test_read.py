"""pnisim.spec: spec text and files -> plain data, the same for every kind, and its message pieces."""

import datetime as dt

import pytest

from pnisim.errors import ResourceLimitError, SpecError, UnknownKeyError, WrongFormError
from pnisim.spec import MAX_FILE_BYTES, SpecModel, did_you_mean, format_number, parse_text, read_file, validate


@pytest.mark.parametrize(("fmt", "text"), [("toml", 'a = "7:05"'), ("yaml", "a: 7:05"), ("json", '{"a": "7:05"}')])
def test_clock_times_stay_text(fmt, text):
    assert parse_text(text, fmt, noun="scenario") == {"a": "7:05"}


def test_yaml_numbers_are_still_numbers():
    assert parse_text("a: 12\nb: 1.5\nc: .inf\nd: 0x10\ne: 1_000", "yaml", noun="scenario") == {
        "a": 12, "b": 1.5, "c": float("inf"), "d": 16, "e": 1000}


def test_toml_time_literals_with_seconds_are_left_to_be_refused():
    assert parse_text("a = 07:05:00\nb = 07:05:30", "toml", noun="scenario") == {"a": "07:05", "b": dt.time(7, 5, 30)}


def test_empty_yaml_is_an_empty_table_and_unknown_formats_are_refused():
    assert parse_text("", "yaml", noun="trial") == {}
    with pytest.raises(SpecError, match="format must be 'toml', 'yaml' or 'json'. Got 'ini'"):
        parse_text("", "ini", noun="trial")


def test_files_over_the_size_limit_are_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * MAX_FILE_BYTES, encoding="utf-8")
    with pytest.raises(ResourceLimitError, match="The trial file .* must be at most 1024 KiB"):
        read_file(big, noun="trial")


def test_non_utf8_and_directories_are_spec_errors(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(SpecError, match="must be UTF-8 text"):
        read_file(bad, noun="scenario")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(SpecError, match="is a directory"):
        read_file(folder, noun="scenario")


class _Dose(SpecModel):
    dose: float
    unit: str = "mg"


def test_validate_words_problems_in_one_shape():
    with pytest.raises(SpecError, match=r"^The 'dose' of the dosing must be a number\. Got 'lots' instead\.$"):
        validate(_Dose, {"dose": "lots"}, noun="dosing", keys="dose, unit")
    with pytest.raises(SpecError, match=r"Unknown key 'dsoe' at the top level of the dosing\. Did you mean 'dose'\?"):
        validate(_Dose, {"dsoe": 1}, noun="dosing", keys="dose, unit")
    with pytest.raises(SpecError, match=r"^f\.toml: A dosing must be a table of keys \(dose, unit\)\. Got list"):
        validate(_Dose, [], noun="dosing", keys="dose, unit", source="f.toml")


def test_message_pieces():
    assert did_you_mean("exposure", ["exposures", "arms"]) == " Did you mean 'exposures'?"
    assert did_you_mean("zzz", ["exposures"]) == ""
    assert format_number(14.0) == "14" and format_number(0.25) == "0.25"


def test_form_errors_are_value_errors_not_spec_errors():
    """Raised inside pydantic and located by validate(); a SpecError would be passed through unlocated."""
    for exc in (UnknownKeyError("k", ["a"]), WrongFormError("a clock time")):
        assert isinstance(exc, ValueError) and not isinstance(exc, SpecError)
