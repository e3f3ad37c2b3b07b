"""Property-based fixing: valid manifests, written in random styles (block or flow fields,
comments, CRLF), with fixable mistakes injected; fixing them all leaves none of those
rules, breaks nothing, keeps every comment, and a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hydro_manifest import Options, Severity, fix_paths, validate_paths
from tests.test_properties import SETTINGS, byte_mutations, structure_mutations

NO_FILES = Options(file_checks=False)

#: A mistake: the rule it breaks, and how it changes the parts of a manifest.
Mistake = tuple[str, Callable[[dict], None]]


def _set(key: str, value: object) -> Callable[[dict], None]:
    def change(parts: dict) -> None:
        parts[key] = value

    return change


MODEL_MISTAKES: list[Mistake] = [
    ("HY110", _set("name_case", True)),
    ("HY105", _set("install_key", "install_command")),
    ("HY012", _set("release", "1.10")),
    ("HY015", _set("approved", "yes")),
    ("HY314", _set("profile_case", True)),
    ("HY309", _set("type", "float")),
    ("HY311", _set("no_profile", True)),
    ("HY308", _set("shape", "[]")),
    ("HY106", _set("legacy", True)),
    ("HY104", _set("runtime_key", "runtme")),
]
CONFIGURATION_MISTAKES: list[Mistake] = [
    ("HY525", _set("env_list", True)),
    ("HY508", _set("memory", "512m")),
    ("HY513", _set("effect", "NoSchedule")),
    ("HY105", _set("max_key", "max_replicas")),
    ("HY012", _set("cpu", "1:30")),
]
NAMES = st.from_regex(r"[a-z][a-z0-9]{2,8}", fullmatch=True)
COMMENTS = st.lists(st.sampled_from(["# why", "# keep: this", "#x"]), min_size=0, max_size=3)


def _model(parts: dict) -> list[str]:
    name = parts["name"].capitalize() if parts.get("name_case") else parts["name"]
    profile = "NUMERICAL" if parts.get("profile_case") else "numerical"
    field = [f"shape: {parts.get('shape', 'scalar')}", f"type: {parts.get('type', 'int64')}"]
    if not parts.get("no_profile"):
        field.append(f"profile: {profile}")
    lines = [
        "kind: Model",
        f"name: {name}",
        *(["version: 2"] if parts.get("legacy") else []),
        f"{parts.get('runtime_key', 'runtime')}: hydrosphere/serving-runtime-python-3.7:3.0.0",
        "payload: [src/]",
        f"{parts.get('install_key', 'install-command')}: pip install -r requirements.txt",
        "metadata:",
        f"  release: {parts.get('release', 'v1')}",
        f"  approved: {parts.get('approved', 'alice')}",
        "contract:",
        "  name: predict",
        "  inputs:",
    ]
    if parts["flow"]:
        lines.append(f"    age: {{{', '.join(field)}}}")
    else:
        lines += ["    age:", *(f"      {item}" for item in field)]
    lines += ["  outputs:", "    income: {shape: scalar, type: string, profile: categorical}"]
    return lines


def _configuration(parts: dict) -> list[str]:
    lines = [
        "kind: DeploymentConfiguration",
        f"name: {parts['name']}",
        "hpa:",
        "  minReplicas: 1",
        f"  {parts.get('max_key', 'maxReplicas')}: 4",
        "container:",
        "  resources:",
        f"    limits: {{cpu: {parts.get('cpu', '2')}, memory: {parts.get('memory', '1Gi')}}}",
    ]
    if parts.get("env_list"):
        lines += ["  env:", "    - name: LOG_LEVEL", "      value: debug"]
    else:
        lines += ["  env:", "    LOG_LEVEL: debug"]
    effect = parts.get("effect", "NoExecute")
    lines += [
        "pod:",
        "  tolerations:",
        "    - key: gpu",
        "      operator: Exists",
        f"      effect: {effect}",
        "      tolerationSeconds: 30",
    ]
    return lines


@st.composite
def manifests(draw: st.DrawFn) -> tuple[str, set[str], list[str]]:
    """A manifest's text, the rules of the mistakes in it, and its comments."""
    model = draw(st.booleans())
    mistakes = MODEL_MISTAKES if model else CONFIGURATION_MISTAKES
    chosen = draw(st.lists(st.sampled_from(mistakes), unique_by=lambda m: m[0], min_size=1))
    if {"HY311", "HY314"} <= {rule for rule, _ in chosen}:  # no profile has no case
        chosen = [(rule, change) for rule, change in chosen if rule != "HY314"]
    parts: dict = {"name": draw(NAMES), "flow": draw(st.booleans())}
    for _, change in chosen:
        change(parts)
    lines = _model(parts) if model else _configuration(parts)
    comments = draw(COMMENTS)
    for comment in comments:  # after a line's content, or on a line of its own before it
        at = draw(st.integers(0, len(lines) - 1))
        if lines[at].lstrip().startswith(("- name:", "value:")):
            continue  # a comment among `env` items blocks that fix: it would be lost
        if draw(st.booleans()):
            lines[at] += f"  {comment}"
        else:
            lines.insert(at, comment)
    newline = "\r\n" if draw(st.booleans()) else "\n"
    return newline.join(lines) + newline, {rule for rule, _ in chosen}, comments


@SETTINGS
@given(case=manifests())
def test_fixing_injected_mistakes_leaves_none(case: tuple[str, set[str], list[str]]) -> None:
    text, injected, comments = case
    with _folder() as folder:
        path = folder / "manifest.yaml"
        path.write_bytes(text.encode())
        before = validate_paths([str(path)], options=NO_FILES)
        assert injected <= {d.rule for d in before.diagnostics}, before.diagnostics
        fixing = fix_paths([str(path)], unsafe=True, options=NO_FILES)
        fixed = path.read_bytes().decode()
        left = {d.rule for d in fixing.report.diagnostics}
        assert not injected & left, (text, fixed, fixing.report.diagnostics)
        assert "HY000" not in left and "HY001" not in left
        assert fixing.refused == []
        for comment in comments:
            assert fixed.count(comment) >= text.count(comment)
        assert ("\r\n" in text) == ("\r\n" in fixed)
        assert fix_paths([str(path)], unsafe=True, options=NO_FILES).files == []


class _folder:
    """A fresh folder per example (hypothesis runs many in one test)."""

    def __enter__(self) -> Path:
        import tempfile

        self.temporary = tempfile.TemporaryDirectory()
        return Path(self.temporary.name)

    def __exit__(self, *exc: object) -> None:
        self.temporary.cleanup()


@SETTINGS
@given(data=st.one_of(byte_mutations(), structure_mutations()))
def test_fixing_any_mutated_manifest_never_crashes(data: bytes) -> None:
    """Whatever the file, fixing ends: no crash, no new error, and nothing left to do
    on a second run."""
    with _folder() as folder:
        path = folder / "manifest.yaml"
        path.write_bytes(data)
        before = validate_paths([str(path)], options=NO_FILES)
        fixing = fix_paths([str(path)], unsafe=True, options=NO_FILES)
        assert "HY000" not in {d.rule for d in fixing.report.diagnostics}
        errors = Counter(d.rule for d in before.diagnostics if d.severity is Severity.ERROR)
        errors.subtract(d.rule for d in fixing.report.diagnostics if d.severity is Severity.ERROR)
        assert min(errors.values(), default=0) >= 0, (data, path.read_bytes())
        assert fix_paths([str(path)], unsafe=True, options=NO_FILES).files == []
