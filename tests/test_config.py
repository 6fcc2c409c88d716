"""The user's config: XDG paths, TOML and environment overrides, and bad values that
become warnings with the defaults, never an exception."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from afscope.config import (
    CONFIG_ENV,
    ENV_KEYS,
    KEYMAP_ENV,
    PRESETS,
    Config,
    config_path,
    load_config,
    read_remembered,
    remember_theme,
    startup_theme,
    state_path,
)
from afscope.explore.settings import DEFAULT_MODE, DEFAULT_THRESHOLD, DEFAULT_TOP_K


def env_with(tmp_path: Path, text: str | None = None, **extra: str) -> dict[str, str]:
    """An environment whose XDG folders are under ``tmp_path``, with ``text`` as config."""
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        **extra,
    }
    if text is not None:
        path = tmp_path / "config" / "afscope" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return env


def test_paths_follow_xdg_and_fall_back_to_home(tmp_path: Path) -> None:
    env = env_with(tmp_path)
    assert config_path(env) == tmp_path / "config" / "afscope" / "config.toml"
    assert state_path(env) == tmp_path / "state" / "afscope" / "state.toml"
    home = {"HOME": str(tmp_path)}
    assert config_path(home) == tmp_path / ".config" / "afscope" / "config.toml"
    assert state_path(home) == tmp_path / ".local" / "state" / "afscope" / "state.toml"
    # the XDG specification: relative values are invalid and ignored
    relative = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "rel", "XDG_STATE_HOME": "x"}
    assert config_path(relative) == tmp_path / ".config" / "afscope" / "config.toml"
    assert state_path(relative).parent.parent == tmp_path / ".local" / "state"
    named = {**env, CONFIG_ENV: str(tmp_path / "mine.toml")}
    assert config_path(named) == tmp_path / "mine.toml"


def test_no_file_means_the_defaults_and_no_warning(tmp_path: Path) -> None:
    loaded = load_config(env_with(tmp_path))
    assert loaded.warnings == ()
    config = loaded.config
    assert (config.mode, config.threshold, config.top_k) == (
        DEFAULT_MODE,
        DEFAULT_THRESHOLD,
        DEFAULT_TOP_K,
    )
    assert config.theme is None and config.keys == {}
    assert config.direction_colors == PRESETS["default"]


def test_a_full_file_is_read(tmp_path: Path) -> None:
    text = """
# my settings
theme = "textual-light"
colors = "colorblind"
suppresses = "#123456"
mode = "threshold"
threshold = 0   # an integer is a number
top_k = 8
outcome = "blackmail"
metric = "resampling"

[keys]
down = "j,down,ctrl+n"
"""
    loaded = load_config(env_with(tmp_path, text))
    assert loaded.warnings == ()
    config = loaded.config
    assert config.theme == loaded.file_theme == "textual-light"
    assert config.direction_colors.promotes == PRESETS["colorblind"].promotes
    assert config.direction_colors.suppresses == "#123456"
    assert (config.mode, config.threshold, config.top_k) == ("threshold", 0.0, 8)
    assert (config.outcome, config.metric) == ("blackmail", "resampling")
    assert config.keys == {"down": "j,down,ctrl+n"}


def test_environment_overrides_win_over_the_file(tmp_path: Path) -> None:
    text = 'theme = "nord"\nthreshold = 0.3\ntop_k = 4\ncolors = "default"\n'
    env = env_with(
        tmp_path,
        text,
        AFSCOPE_THEME="dracula",
        AFSCOPE_THRESHOLD="0.15",
        AFSCOPE_TOP_K=" 9 ",
        AFSCOPE_COLORS="colorblind",
        AFSCOPE_OUTCOME="correct",
        AFSCOPE_MODE="threshold",
    )
    loaded = load_config(env)
    assert loaded.warnings == ()
    config = loaded.config
    assert (config.theme, config.threshold, config.top_k) == ("dracula", 0.15, 9)
    assert config.colors == "colorblind" and config.outcome == "correct"
    assert config.mode == "threshold"
    assert loaded.file_theme == "nord"


def test_the_keymap_file_merges_over_the_keys_table(tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('up = "w"\nexport = "ctrl+e"\n', encoding="utf-8")
    text = '[keys]\nup = "k"\ndown = "s"\n'
    loaded = load_config(env_with(tmp_path, text, **{KEYMAP_ENV: str(keys)}))
    assert loaded.config.keys == {"up": "w", "down": "s", "export": "ctrl+e"}


def test_broken_toml_is_one_warning_and_the_defaults(tmp_path: Path) -> None:
    loaded = load_config(env_with(tmp_path, 'theme = "nord"\ntop_k = five\n'))
    assert loaded.config == Config()
    (warning,) = loaded.warnings
    assert warning.source == str(loaded.path)
    assert "not valid TOML" in str(warning) and "line" in str(warning)


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ('top_k = "5"', "top_k", "a whole number"),
        ("top_k = 0", "top_k", "a whole number"),
        ("top_k = true", "top_k", "a whole number"),
        ("threshold = 1.5", "threshold", "a number from 0 to 1"),
        ("threshold = nan", "threshold", "a number from 0 to 1"),
        ('mode = "auto"', "mode", '"top_k" or "threshold"'),
        ('colors = "rainbow"', "colors", '"default" or "colorblind"'),
        ('promotes = "orange"', "promotes", "a colour like"),
        ('promotes = "#12345"', "promotes", "a colour like"),
        ("theme = 3", "theme", "a theme name"),
        ('outcome = ""', "outcome", "an outcome name"),
        ('keys = "j"', "keys", "a table of binding id"),
        ("[keys]\ndown = 3", "keys.down", 'expected keys like "j,down"'),
        ('colour = "x"', "colour", "unknown key"),
    ],
)
def test_a_bad_value_names_file_key_and_expectation_and_keeps_the_rest(
    tmp_path: Path, line: str, key: str, expected: str
) -> None:
    text = f'metric = "resampling"\n{line}\n'
    loaded = load_config(env_with(tmp_path, text))
    (warning,) = loaded.warnings
    assert warning.source == str(loaded.path) and warning.key == key
    assert expected in warning.expected
    assert loaded.config.metric == "resampling"  # the good value is kept
    defaults = Config()
    assert (loaded.config.top_k, loaded.config.threshold, loaded.config.mode) == (
        defaults.top_k,
        defaults.threshold,
        defaults.mode,
    )


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    env = env_with(tmp_path, "top_k = 7\n", AFSCOPE_TOP_K="many", AFSCOPE_PROMOTES="red")
    loaded = load_config(env)
    assert {w.source for w in loaded.warnings} == {"AFSCOPE_TOP_K", "AFSCOPE_PROMOTES"}
    assert loaded.config.top_k == 7  # the file's value stays when the override is bad
    assert loaded.config.promotes is None


def test_an_unreadable_config_is_a_warning(tmp_path: Path) -> None:
    env = env_with(tmp_path)
    path = config_path(env)
    path.mkdir(parents=True)  # a folder where the file should be
    loaded = load_config(env)
    assert loaded.config == Config()
    assert "cannot read the config" in str(loaded.warnings[0])
    path.rmdir()
    path.write_bytes(b"theme = '\xff'\n")
    assert "cannot read the config" in str(load_config(env).warnings[0])
    missing_keys = {**env, KEYMAP_ENV: str(tmp_path / "nope.toml")}
    assert "cannot read the key map" in str(load_config(missing_keys).warnings[-1])


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
@example(text="\r")  # a bare CR: invalid TOML, which reading with newline translation hid
def test_any_text_gives_a_config_never_an_exception(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        loaded = load_config(env_with(Path(folder), text))
    assert isinstance(loaded.config, Config)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assert len(loaded.warnings) == 1


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(st.sampled_from([*Config.model_fields, "extra"]), values))
def test_any_values_keep_the_valid_ones(data: dict) -> None:
    from afscope.config import usable

    kept, warnings = usable(data, "config.toml", strict=True)
    Config.model_validate(kept, strict=True)  # what is kept is valid
    dropped = set(data) - set(kept)
    assert dropped <= {w.key.split(".")[0] for w in warnings}
    for name, variable in ENV_KEYS.items():  # environment values are strings, read laxly
        if isinstance(data.get(name), str):
            usable({name: data[name]}, variable, strict=False)


def test_a_remembered_theme_wins_until_the_config_theme_changes(tmp_path: Path) -> None:
    env = env_with(tmp_path, 'theme = "nord"\n')
    loaded = load_config(env)
    assert startup_theme(loaded, read_remembered(env), env) == "nord"
    remember_theme("dracula", loaded, env)
    text = state_path(env).read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"theme": "dracula", "config_theme": "nord"}
    assert startup_theme(loaded, read_remembered(env), env) == "dracula"
    # the user edits the config afterwards: their new choice wins
    edited = env_with(tmp_path, 'theme = "gruvbox"\n')
    assert startup_theme(load_config(edited), read_remembered(edited), edited) == "gruvbox"
    # the environment wins over both
    forced = {**env, "AFSCOPE_THEME": "monokai"}
    assert startup_theme(load_config(forced), read_remembered(forced), forced) == "monokai"


def test_remembering_never_touches_the_config_file(tmp_path: Path) -> None:
    text = '# my comment\ntheme = "nord"  # dark\n'
    env = env_with(tmp_path, text)
    loaded = load_config(env)
    remember_theme("textual-light", loaded, env)
    assert loaded.path.read_text(encoding="utf-8") == text
    assert not [p for p in state_path(env).parent.iterdir() if p.name != "state.toml"]


def test_an_unreadable_state_file_is_forgotten(tmp_path: Path) -> None:
    env = env_with(tmp_path)
    path = state_path(env)
    path.parent.mkdir(parents=True)
    path.write_text("theme = [", encoding="utf-8")
    assert read_remembered(env).theme is None
    path.write_text("theme = 3\n", encoding="utf-8")
    assert read_remembered(env).theme is None


def test_colour_presets_are_the_palettes_every_surface_uses() -> None:
    """One palette: the explorer's preset is the site's and the figures' (afscope.palette)."""
    from afscope.config import Config
    from afscope.palette import COLOUR_BLIND, DEFAULT

    assert Config().direction_colors == DEFAULT
    assert Config(colors="colorblind").direction_colors == COLOUR_BLIND
    mine = Config(colors="colorblind", promotes="#123456").direction_colors
    assert mine.promotes == "#123456" and mine.outcomes == COLOUR_BLIND.outcomes
