"""The configuration: `[tool.hydro]` in `pyproject.toml`, or `.hydro.yaml`.

Found by searching up from the first path given (the nearest folder with either file
wins; `.hydro.yaml` before `pyproject.toml`), or named with `--config`. It is validated
like a manifest: an unknown key or a bad value is a `ConfigError` with its line and a
"did you mean", which the CLI reports as a usage error (exit 2).

    [tool.hydro]
    select = ["HY", "kubernetes"]      # rule ids, id prefixes, names or layers (default: all)
    ignore = ["HY315", "lint"]
    strict = true                      # warnings fail
    fail-on = "warning"
    exit-zero = false                  # true: findings never fail the run (exit 0)
    file-checks = true
    remote = false
    s3-endpoint-url = "http://localhost:9000"
    index-url = "https://mirror.example/simple/"   # --remote resolves requirements here
    resolve-timeout = 120              # seconds, each Model's requirements
    exclude = ["vendor/**"]
    max-file-size = 10                 # MiB
    root = "."                         # the repository root, from this file's folder
    [tool.hydro.per-path-ignores]
    "legacy/**" = ["HY106"]
    [tool.hydro.severity]
    HY315 = "error"
"""

from __future__ import annotations

import functools
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .options import DEFAULT_MAX_FILE_SIZE, DEFAULT_RESOLVE_TIMEOUT, Options
from .root import at, root_of
from .rules import Layer, Severity, all_rules, find_rule
from .suggest import did_you_mean

CONFIG_FILES = (".hydro.yaml", "pyproject.toml")
_LAYERS = {layer.value for layer in Layer}


class ConfigError(Exception):
    """A configuration file that cannot be used: every problem found in it, each naming
    the file and line (`problems`; the message joins them, one per line)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else problems
        super().__init__("\n".join(self.problems))


def _check_selector(value: str) -> str:
    """A rule id, an id prefix (HY5), a rule name, or a layer."""
    if value in _LAYERS or find_rule(value) is not None:
        return value
    rules = all_rules()
    if value.upper().startswith("HY") and any(r.startswith(value.upper()) for r in rules):
        return value.upper()
    choices = [*rules, *(r.name for r in rules.values()), *_LAYERS]
    hint = did_you_mean(value, choices)
    raise ValueError(
        f"'{value}' is not a rule id, id prefix, rule name or layer" + (f"; {hint}" if hint else "")
    )


@dataclass(frozen=True)
class Settings:
    """What a configuration file may say; the defaults are hydro's without one."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    strict: bool = False
    fail_on: Severity | None = None
    exit_zero: bool = False
    file_checks: bool = True
    remote: bool = False
    s3_endpoint_url: str | None = None
    index_url: str | None = None
    resolve_timeout: float | None = None
    exclude: tuple[str, ...] = ()
    max_file_size: float | None = None  # MiB
    root: str | None = None  # relative to the configuration's folder


@functools.cache
def _settings_model() -> type[Any]:
    """The pydantic model that validates a configuration file (built only when one is read)."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _Settings(BaseModel):
        """What a configuration file may say (kebab-case keys, like the manifests)."""

        model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

        select: list[str] = Field(default_factory=list)
        ignore: list[str] = Field(default_factory=list)
        per_path_ignores: dict[str, list[str]] = Field(
            default_factory=dict, alias="per-path-ignores"
        )
        severity: dict[str, Severity] = Field(default_factory=dict)
        strict: bool = False
        fail_on: Severity | None = Field(None, alias="fail-on")
        exit_zero: bool = Field(False, alias="exit-zero")
        file_checks: bool = Field(True, alias="file-checks")
        remote: bool = False
        s3_endpoint_url: str | None = Field(None, alias="s3-endpoint-url")
        index_url: str | None = Field(None, alias="index-url", pattern=r"^https?://")
        resolve_timeout: float | None = Field(None, alias="resolve-timeout", gt=0)
        exclude: list[str] = Field(default_factory=list)
        max_file_size: float | None = Field(None, alias="max-file-size", gt=0)
        root: str | None = None

        @field_validator("select", "ignore")
        @classmethod
        def _selectors(cls, values: list[str]) -> list[str]:
            return [_check_selector(v) for v in values]

        @field_validator("per_path_ignores")
        @classmethod
        def _per_path(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
            return {glob: [_check_selector(v) for v in rules] for glob, rules in values.items()}

        @field_validator("severity")
        @classmethod
        def _rule_ids(cls, values: dict[str, Severity]) -> dict[str, Severity]:
            out = {}
            for key, severity in values.items():
                rule = find_rule(key)
                if rule is None:
                    hint = did_you_mean(key, all_rules()) or ""
                    raise ValueError(f"'{key}' is not a rule; {hint}")
                out[rule.id] = severity
            return out

    return _Settings


@dataclass(frozen=True)
class Config:
    """A validated configuration, and the folder its per-path globs are relative to."""

    settings: Settings = field(default_factory=Settings)
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None

    # -- what the CLI and the library read

    @property
    def strict(self) -> bool:
        return self.settings.strict

    @property
    def fail_on(self) -> Severity | None:
        return self.settings.fail_on

    @property
    def exit_zero(self) -> bool:
        return self.settings.exit_zero

    @property
    def file_checks(self) -> bool:
        return self.settings.file_checks

    @property
    def remote(self) -> bool:
        return self.settings.remote

    @property
    def s3_endpoint_url(self) -> str | None:
        return self.settings.s3_endpoint_url

    @property
    def index_url(self) -> str | None:
        return self.settings.index_url

    @property
    def resolve_timeout(self) -> float:
        timeout = self.settings.resolve_timeout
        return DEFAULT_RESOLVE_TIMEOUT if timeout is None else timeout

    @property
    def exclude(self) -> tuple[str, ...]:
        return self.settings.exclude

    @property
    def max_file_size(self) -> int:
        """In bytes."""
        size = self.settings.max_file_size
        return DEFAULT_MAX_FILE_SIZE if size is None else int(size * 1024 * 1024)

    def overridden(
        self,
        *,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        exit_zero: bool | None = None,
    ) -> Config:
        """The configuration with what the command line says instead (it wins): each
        selector a rule id, id prefix, name or layer (ValueError naming a wrong one)."""
        changes: dict[str, Any] = {}
        if select is not None:
            changes["select"] = tuple(_check_selector(s) for s in select)
        if ignore is not None:
            changes["ignore"] = tuple(_check_selector(s) for s in ignore)
        if exit_zero is not None:
            changes["exit_zero"] = exit_zero
        return replace(self, settings=replace(self.settings, **changes)) if changes else self

    @property
    def repository_root(self) -> str | None:
        """The `root` the file sets (no file outside it is opened), as an absolute path."""
        given = self.settings.root
        return None if given is None else os.path.normpath(os.path.join(self.root, given))

    def options(self) -> Options:
        return Options(
            self.file_checks,
            self.remote,
            self.s3_endpoint_url,
            self.max_file_size,
            root=self.repository_root,
            index_url=self.index_url,
            resolve_timeout=self.resolve_timeout,
        )

    def enabled(self, rule_id: str) -> bool:
        """Whether the rule is selected and not ignored."""
        selected = not self.settings.select or any(
            _matches(s, rule_id) for s in self.settings.select
        )
        return selected and not any(_matches(s, rule_id) for s in self.settings.ignore)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Drop what is switched off (everywhere or under a path), change severities."""
        kept = []
        for diagnostic in diagnostics:
            if not self.enabled(diagnostic.rule) or self._ignored_at(diagnostic):
                continue
            severity = self.settings.severity.get(diagnostic.rule)
            kept.append(diagnostic._replace(severity=severity) if severity else diagnostic)
        return kept

    def _ignored_at(self, diagnostic: Diagnostic) -> bool:
        if not self.settings.per_path_ignores:
            return False
        path = os.path.relpath(os.path.abspath(diagnostic.file), self.root).replace(os.sep, "/")
        return any(
            _pattern(glob).match_file(path) and any(_matches(s, diagnostic.rule) for s in rules)
            for glob, rules in self.settings.per_path_ignores.items()
        )


@functools.cache
def _pattern(glob: str) -> Any:
    """A `per-path-ignores` key, read as `exclude` reads its patterns: gitignore style
    (`legacy/` is the folder and all under it, `*.yaml` any depth, `/x` from the root)."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines([glob])


def _matches(selector: str, rule_id: str) -> bool:
    rule = all_rules().get(rule_id)
    if rule is None:
        return False
    return (
        selector == rule.layer.value
        or selector == rule.name
        or rule_id.startswith(selector.upper())
    )


# ------------------------------------------------------------------ finding and reading


@dataclass(frozen=True)
class _Source:
    """A configuration file, read once: its options and its text (for line numbers)."""

    path: Path
    options: Any
    text: str


def find(start: str, root: str | None = None) -> Path | None:
    """The configuration file nearest above `start` (a file or folder), not above the
    repository root (`root`, else the nearest folder holding `.git`)."""
    found = _find(start, root)
    return found.path if found else None


def _find(start: str, root: str | None) -> _Source | None:
    folder = Path(start).absolute()
    if not _is(folder, stat.S_ISDIR):
        folder = folder.parent
    top = root_of(str(folder), "/", root)
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if not _is(path, stat.S_ISREG):
                continue
            source = _read(_inside(path, top))
            if name != "pyproject.toml" or source.options is not None:
                return source
        if str(candidate) == top:
            break
    return None


def _inside(path: Path, top: str) -> Path:
    """`path`, unless it lies in the repository root `top` but leads out of it (a symbolic
    link): its text would be quoted in the errors, so it is not read."""
    lexically = os.path.normpath(path.absolute())
    if lexically.startswith(top.rstrip(os.sep) + os.sep) and not at(top).contains(path):
        raise ConfigError(
            f"{path}: a symbolic link that leads outside the repository root ({top}): not read"
        )
    return path


def _is(path: Path, kind: Callable[[int], bool]) -> bool:
    """Whether `path` is a file or folder (`kind`); not when a folder we may not search
    hides it (Path.is_file raises then)."""
    try:
        return kind(path.stat().st_mode)
    except OSError:
        return False


def load(
    path: str | os.PathLike[str] | None = None, *, start: str = ".", root: str | None = None
) -> Config:
    """The configuration at `path`, or the one found from `start` (up to the repository
    root: `root`, else the nearest folder holding `.git`), or the defaults. A file that is
    a link out of the root is a ConfigError: it is not read."""
    if path is None:
        source = _find(start, root)
    elif not Path(path).is_file():
        raise ConfigError(f"{path}: no such configuration file")
    else:
        folder = os.path.dirname(os.path.abspath(path))
        source = _read(_inside(Path(path), root_of(folder, "/", root)))
    if source is None:
        return Config()
    from pydantic import ValidationError

    try:
        validated = _settings_model().model_validate(source.options or {})
    except ValidationError as error:
        raise ConfigError(_describe(source.path, source.text, error)) from None
    values = validated.model_dump()
    for name in ("select", "ignore", "exclude"):
        values[name] = tuple(values[name])
    return Config(Settings(**values), source.path.parent.absolute(), source.path)


def _read(path: Path) -> _Source:
    """A configuration file's options: a `.toml` file's `[tool.hydro]` (None when it has
    none; ConfigError when it cannot be read, as then nobody can tell whether it
    configures hydro, and ruff refuses a broken pyproject.toml too), or a YAML file's."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it: {error.strerror or error}") from None
    if path.suffix == ".toml":
        text = data.decode("utf-8", errors="replace")
        tool = _parse_toml(path, text).get("tool", {})
        return _Source(path, tool.get("hydro") if isinstance(tool, dict) else None, text)
    return _Source(path, *_parse_yaml(path, data))


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        where = f"{path}:{found[1]}:{found[2]}" if found else str(path)
        raise ConfigError(f"{where}: invalid TOML: {message}") from None


def _parse_yaml(path: Path, data: bytes) -> tuple[dict[str, Any], str]:
    from .reading.loader import load as load_yaml
    from .reading.text import decode

    text, _ = decode(data)
    source = load_yaml(text)
    problems = [*source.findings, *(f for d in source.documents for f in d.findings)]
    if problems:
        raise ConfigError([f"{path}:{p.span.line if p.span else 1}: {p.message}" for p in problems])
    if not source.documents or source.documents[0].value is None:
        return {}, text
    value = source.documents[0].value
    if not isinstance(value, dict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping of options")
    return value, text


def _describe(path: Path, text: str, error: Any) -> list[str]:
    """Every problem, with the line of its key and a "did you mean" for unknown keys."""
    described: list[tuple[int, str]] = []
    for problem in error.errors(include_url=False):
        location = [str(part) for part in problem["loc"]]
        key = location[0] if location else ""
        line = _line_of(text, key)
        where = f"{path}:{line}" if line else str(path)
        if problem["type"] == "extra_forbidden":
            known = [f.alias or name for name, f in _settings_model().model_fields.items()]
            hint = did_you_mean(key, known, listing="valid options")
            said = f"{where}: unknown option '{key}'" + (f" ({hint})" if hint else "")
        else:
            message = str(problem["msg"]).removeprefix("Value error, ")
            said = f"{where}: {'.'.join(location)}: {message}"
        described.append((line or 0, said))
    return [said for _, said in sorted(described, key=lambda item: item[0])]


def _line_of(text: str, key: str) -> int | None:
    """The line where `key` is set (first match, after `[tool.hydro]` in a TOML file)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == "[tool.hydro]"), 0)
    for number in range(start, len(lines)):
        stripped = lines[number].strip().strip("'\"")
        if stripped.startswith((f"{key}:", f"{key} ", f"{key}=", f'{key}"', f"{key}'")):
            return number + 1
    return None
