"""The user's settings: ``config.toml``, ``AFSCOPE_*`` overrides and remembered values.

Where they come from, later winning over earlier:

1. defaults (``afscope.explore.settings``);
2. ``$XDG_CONFIG_HOME/afscope/config.toml`` (``~/.config/afscope/config.toml``; the
   ``AFSCOPE_CONFIG`` variable names another file), written by the user only;
3. ``AFSCOPE_THEME``, ``AFSCOPE_THRESHOLD`` ... one variable per key, and ``AFSCOPE_KEYMAP``
   naming a TOML file of ``id = "keys"`` lines that are merged over the ``[keys]`` table.

A theme picked in the app is remembered in ``$XDG_STATE_HOME/afscope/state.toml``, a small
file afscope owns, rather than written into ``config.toml``: afscope never rewrites a file
the user wrote (their comments, their layout, a config kept in a dotfiles repository or
behind a read-only link stay as they are). The remembered theme wins over the config's
until the config's ``theme`` is edited.

Nothing here raises for a bad value: every problem becomes a ``ConfigWarning`` naming the
file (or variable), the key and what was expected, and that key keeps its default. The
app shows the warnings; this module never imports Textual (theme names and binding ids
are checked there, against what Textual offers).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from afscope.explore.settings import DEFAULT_MODE, DEFAULT_THRESHOLD, DEFAULT_TOP_K, Mode
from afscope.export.files import write_atomic
from afscope.palette import PRESETS, Palette

CONFIG_ENV = "AFSCOPE_CONFIG"
KEYMAP_ENV = "AFSCOPE_KEYMAP"
ENV_KEYS = {
    "theme": "AFSCOPE_THEME",
    "colors": "AFSCOPE_COLORS",
    "promotes": "AFSCOPE_PROMOTES",
    "suppresses": "AFSCOPE_SUPPRESSES",
    "mode": "AFSCOPE_MODE",
    "threshold": "AFSCOPE_THRESHOLD",
    "top_k": "AFSCOPE_TOP_K",
    "outcome": "AFSCOPE_OUTCOME",
    "metric": "AFSCOPE_METRIC",
}
"""The environment variable that overrides each key (``keys`` has ``AFSCOPE_KEYMAP``)."""

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


Preset = Literal["default", "colorblind"]
Colour = Annotated[str, StringConstraints(pattern=HEX_COLOUR.pattern)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Keys = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Config(BaseModel):
    """What ``config.toml`` may say; every key is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: Name | None = None
    colors: Preset = "default"
    promotes: Colour | None = None
    suppresses: Colour | None = None
    mode: Mode = DEFAULT_MODE
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0, allow_inf_nan=False)
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=10_000)
    outcome: Name | None = None
    metric: Name | None = None
    keys: dict[str, Keys] = Field(default_factory=dict)

    @property
    def direction_colors(self) -> Palette:
        """The preset (``afscope.palette``: directions and outcome colours that never
        reuse them), each direction replaced by an explicit ``promotes``/``suppresses``."""
        preset = PRESETS[self.colors]
        return replace(
            preset,
            promotes=self.promotes or preset.promotes,
            suppresses=self.suppresses or preset.suppresses,
        )


EXPECTED = {
    "theme": "a theme name",
    "colors": '"default" or "colorblind"',
    "promotes": 'a colour like "#E69F00"',
    "suppresses": 'a colour like "#0072B2"',
    "mode": '"top_k" or "threshold"',
    "threshold": "a number from 0 to 1",
    "top_k": "a whole number from 1 to 10000",
    "outcome": "an outcome name",
    "metric": "a metric name",
    "keys": 'a table of binding id = "keys" lines (keys separated by commas)',
}


@dataclass(frozen=True)
class ConfigWarning:
    """One unusable value: where it was, which key, what was expected."""

    source: str
    """The file or environment variable."""
    key: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.source}: {self.key}: {self.expected}"
            if self.key
            else (f"{self.source}: {self.expected}")
        )


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path
    """The config file read (it may not exist)."""
    file_theme: str | None
    """The theme ``config.toml`` names: a remembered theme yields once this changes."""
    warnings: tuple[ConfigWarning, ...] = ()


@dataclass(frozen=True)
class Remembered:
    """What the app remembered between runs (``state.toml``)."""

    theme: str | None = None
    config_theme: str | None = None
    """``config.toml``'s theme when ``theme`` was picked."""


def _xdg(environ: Mapping[str, str], name: str, fallback: str) -> Path:
    """An XDG base folder; relative values are ignored, as the specification says."""
    value = environ.get(name, "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / fallback


def config_path(environ: Mapping[str, str]) -> Path:
    named = environ.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    return _xdg(environ, "XDG_CONFIG_HOME", ".config") / "afscope" / "config.toml"


def state_path(environ: Mapping[str, str]) -> Path:
    return _xdg(environ, "XDG_STATE_HOME", ".local/state") / "afscope" / "state.toml"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(source: str, error: Mapping[str, Any], data: Mapping[str, Any]) -> ConfigWarning:
    loc = error.get("loc", ())
    key = str(loc[0]) if loc else ""
    if error.get("type") == "extra_forbidden":
        known = ", ".join(Config.model_fields)
        return ConfigWarning(source, key, f"unknown key (known: {known}); ignored")
    if key == "keys" and len(loc) > 1:
        got = data.get("keys", {}).get(loc[1]) if isinstance(data.get("keys"), dict) else None
        name = f"keys.{loc[1]}"
        expected = f'expected keys like "j,down" (got {_short(got)}); ignored'
        return ConfigWarning(source, name, expected)
    default = Config.model_fields[key].default if key in Config.model_fields else None
    keeps = "" if default is None or key == "keys" else f"; using {default!r}"
    got = _short(data.get(key))
    return ConfigWarning(
        source, key, f"expected {EXPECTED.get(key, 'another value')}, got {got}{keeps}"
    )


def _drop(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    if len(loc) > 1 and loc[0] == "keys" and isinstance(data.get("keys"), dict):
        data["keys"] = {k: v for k, v in data["keys"].items() if k != loc[1]}
    elif loc:
        data.pop(str(loc[0]), None)
    else:
        data.clear()


def usable(
    data: Mapping[str, Any], source: str, *, strict: bool
) -> tuple[dict[str, Any], list[ConfigWarning]]:
    """The part of ``data`` that validates, and a warning for each part that does not.

    ``strict`` for TOML (a quoted number is a mistake), lax for environment variables
    (which are always strings).
    """
    kept = dict(data)
    warnings: list[ConfigWarning] = []
    for _ in range(len(kept) + 64):  # each round drops at least one value
        try:
            Config.model_validate(kept, strict=strict)
        except ValidationError as exc:
            for error in exc.errors():
                warnings.append(_problem(source, error, kept))
                _drop(kept, tuple(error.get("loc", ())))
            continue
        return kept, warnings
    return {}, warnings  # pragma: no cover - every round drops a value


def read_toml(path: Path, what: str) -> tuple[dict[str, Any] | None, ConfigWarning | None]:
    """A TOML file's table (None when missing), or a warning saying why it is unusable."""
    try:
        text = path.read_bytes().decode("utf-8")  # as written: TOML forbids a bare CR
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, ConfigWarning(str(path), "", f"cannot read the {what}: {reason}")
    import tomllib  # only when there is a file: most starts have none

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        expected = f"cannot read the {what}: not valid TOML ({exc}); using the defaults"
        return None, ConfigWarning(str(path), "", expected)


def _keymap_file(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[ConfigWarning]]:
    """The ``AFSCOPE_KEYMAP`` file as a ``keys`` table, merged over ``[keys]``."""
    named = environ.get(KEYMAP_ENV, "").strip()
    if not named:
        return {}, []
    path = Path(named).expanduser()
    table, problem = read_toml(path, "key map")
    if problem is not None:
        return {}, [problem]
    if table is None:
        return {}, [ConfigWarning(str(path), "", "cannot read the key map: no such file")]
    kept, warnings = usable({"keys": table}, str(path), strict=True)
    return kept.get("keys", {}), warnings


def load_config(environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """The settings in effect: defaults, then ``config.toml``, then ``AFSCOPE_*``."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    warnings: list[ConfigWarning] = []
    table, problem = read_toml(path, "config")
    if problem is not None:
        warnings.append(problem)
    from_file, problems = usable(table or {}, str(path), strict=True)
    warnings += problems
    overrides = {key: env[name] for key, name in ENV_KEYS.items() if env.get(name, "").strip()}
    from_env: dict[str, Any] = {}
    for key, value in overrides.items():
        kept, problems = usable({key: value.strip()}, ENV_KEYS[key], strict=False)
        from_env |= kept
        warnings += problems
    keys, problems = _keymap_file(env)
    warnings += problems
    merged = from_file | from_env
    merged["keys"] = dict(from_file.get("keys", {})) | keys
    config = Config.model_validate(merged)
    file_theme = from_file.get("theme")
    return LoadedConfig(config, path, file_theme, tuple(warnings))


def read_remembered(environ: Mapping[str, str] | None = None) -> Remembered:
    """What the app remembered (nothing when the file is missing or unreadable: it is a
    cache of choices, not something the user edits)."""
    env = os.environ if environ is None else environ
    table, _ = read_toml(state_path(env), "state")
    if not table:
        return Remembered()
    theme, config_theme = table.get("theme"), table.get("config_theme")
    return Remembered(
        theme=theme if isinstance(theme, str) and theme else None,
        config_theme=config_theme if isinstance(config_theme, str) and config_theme else None,
    )


def remember_theme(
    theme: str, loaded: LoadedConfig, environ: Mapping[str, str] | None = None
) -> Path:
    """Write ``theme`` to ``state.toml`` atomically (``ExportWriteError`` or ``OSError``
    when the folder cannot be written); other remembered values are kept."""
    env = os.environ if environ is None else environ
    path = state_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by afscope: the theme last picked in the app. Set `theme` in",
        f"# {loaded.path} instead to choose one yourself.",
        f"theme = {json.dumps(theme, ensure_ascii=True)}",
    ]
    if loaded.file_theme is not None:
        lines.append(f"config_theme = {json.dumps(loaded.file_theme, ensure_ascii=True)}")
    return write_atomic(path, "\n".join(lines) + "\n")


def startup_theme(
    loaded: LoadedConfig, remembered: Remembered, environ: Mapping[str, str]
) -> str | None:
    """The theme to start with: ``AFSCOPE_THEME``, else the one last picked in the app
    (unless ``config.toml``'s theme changed since), else the config's (None: Textual's)."""
    if environ.get(ENV_KEYS["theme"], "").strip() and loaded.config.theme is not None:
        return loaded.config.theme
    if remembered.theme is not None and remembered.config_theme == loaded.file_theme:
        return remembered.theme
    return loaded.config.theme
