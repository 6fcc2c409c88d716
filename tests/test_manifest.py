import pytest
from pydantic import ValidationError
from support import manifest_dict

from afscope.bundle.manifest import SCHEMA_VERSION, Manifest


def test_minimal_manifest_is_valid_and_defaults_the_convention():
    m = Manifest.model_validate(manifest_dict())
    assert m.schema_version == SCHEMA_VERSION
    assert m.prefix_convention == "before"
    assert m.outcome_names == ["compliance"]


def test_older_and_same_major_versions_are_accepted():
    assert Manifest.model_validate(manifest_dict(schema_version="1.7")).schema_version == "1.7"


def test_newer_major_version_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as exc:
        Manifest.model_validate(manifest_dict(schema_version="2.0"))
    assert "newer than this afscope understands" in str(exc.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"outcomes": []}, "at least 1"),
        ({"outcomes": [{"name": "a"}, {"name": "a"}]}, "duplicate outcome"),
        ({"outcomes": [{"name": "bad name!"}]}, "letters, digits"),
        ({"tables": {"traces": "traces.parquet"}}, "'sentences' is not listed"),
        ({"tables": {"traces": "../x.parquet", "sentences": "s.parquet"}}, "inside the bundle"),
        ({"schema_version": "one"}, "MAJOR.MINOR"),
        ({"surprise": 1}, "Extra inputs"),
    ],
)
def test_bad_manifests_say_what_was_expected(change, expected):
    with pytest.raises(ValidationError) as exc:
        Manifest.model_validate(manifest_dict(**change))
    assert expected in str(exc.value)


def test_two_tables_may_not_name_one_file():
    from pydantic import ValidationError

    from afscope.bundle import Manifest

    with pytest.raises(ValidationError, match=r"both name 'sentences\.parquet'"):
        Manifest.model_validate(
            manifest_dict(
                tables={
                    "traces": "traces.parquet",
                    "sentences": "sentences.parquet",
                    "rates": "sentences.parquet",
                }
            )
        )


def test_table_file_names_may_not_hold_control_characters():
    from pydantic import ValidationError

    from afscope.bundle import Manifest

    tables = {"traces": "t\x1b]2;x\x07.parquet", "sentences": "sentences.parquet"}
    with pytest.raises(ValidationError, match="plain file name"):
        Manifest.model_validate(manifest_dict(tables=tables))


@pytest.mark.parametrize(
    "text",
    [
        '{"synthetic": ' + "9" * 5000 + "}",
        '{"schema_version": "' + "1" * 5000 + '.0"}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["5000-digit-int", "5000-digit-version", "deep"],
)
def test_pathological_manifests_are_refused_as_input_problems(tmp_path, text):
    from afscope.bundle.reader import read_manifest
    from afscope.problems import BundleError

    (tmp_path / "manifest.json").write_text(text)
    with pytest.raises(BundleError) as exc:
        read_manifest(tmp_path)
    assert "manifest.json" in str(exc.value)
