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
