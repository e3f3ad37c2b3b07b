"""The rules: what a rule is, the table of every rule, and how to look one up.

A rule is declared in the `rules.py` of the folder whose code raises it (`reading/`,
`kinds/model/`, `kinds/application/`, `kinds/deployment/`, `kinds/` for what the kinds
share, `project/`, `requests/`), with its id, layer, severity, texts and a failing and a
passing example; the test suite runs both examples. Declaring a rule registers it in
`RULES`. The rule modules import nothing heavy, so listing the rules (`hydro rules`,
SARIF, the configuration's rule names) costs little: `all_rules()` imports them all.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How much a finding matters; see ../shared/design/severity-policy.md."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is more severe, so `rank >= threshold.rank` means "fails the run"."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Layer(str, Enum):
    """The most lenient part of the chain that still rejects a problem."""

    YAML = "yaml"
    DOCS = "docs"
    HS_CLI = "hs-cli"
    MANAGER = "manager"
    KUBERNETES = "kubernetes"
    #: The model's image build: the install command, pip.
    BUILD = "build"
    #: The runtime serving the model: importing `func_main`, calling the signature.
    RUNTIME = "runtime"
    LINT = "lint"


class FixKind(str, Enum):
    """What applying a rule's fix does to the file's meaning (`hydro --fix`)."""

    #: The file means what it meant, written as it should be (`--fix`).
    SAFE = "safe"
    #: The likely intent, which may change the meaning (`--fix --unsafe-fixes`).
    UNSAFE = "unsafe"


ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE
SAFE, UNSAFE = FixKind.SAFE, FixKind.UNSAFE
L = Layer


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    layer: Layer
    severity: Severity
    summary: str
    explanation: str
    bad: str
    good: str
    #: Checked across the documents of a run (`hydro lint`'s tree, or the files given to
    #: `hydro validate`), once every document has been read.
    across_documents: bool = False
    #: Checked by `hydro check-request` on request bodies (examples are bodies for
    #: REQUEST_MODEL), not on manifests.
    on_requests: bool = False
    #: Files beside the examples' manifest (path, text): a payload for rules about files.
    bad_files: tuple[tuple[str, str], ...] = ()
    good_files: tuple[tuple[str, str], ...] = ()
    #: Whether findings of the rule carry edits that fix them (where the edit is
    #: mechanical: a rename to one close candidate, not a guess among several).
    fix: FixKind | None = None

    def __repr__(self) -> str:
        return f"Rule({self.id} {self.name})"

    def example(self, passing: bool) -> str:
        """The failing or passing example as shown to users: the manifest, then each file
        beside it under its path."""
        manifest, files = (self.good, self.good_files) if passing else (self.bad, self.bad_files)
        shown = [manifest, *(f"\n# {path} (beside the manifest)\n{text}" for path, text in files)]
        return "".join(shown)


#: Every rule declared so far, by id; `all_rules()` declares them all, in id order.
RULES: dict[str, Rule] = {}
_all_declared = False

#: The modules that declare rules, besides this one.
_RULE_MODULES = (
    "reading.rules",
    "kinds.rules",
    "kinds.model.rules",
    "kinds.model.container.rules",
    "kinds.model.container.image_rules",
    "kinds.application.rules",
    "kinds.deployment.rules",
    "project.rules",
    "requests.rules",
    "conformance.rules",
)


def rule(
    id: str,
    name: str,
    layer: Layer,
    severity: Severity,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    across_documents: bool = False,
    on_requests: bool = False,
    bad_files: dict[str, str] | None = None,
    good_files: dict[str, str] | None = None,
    fix: FixKind | None = None,
) -> Rule:
    """Declare a rule (in the `rules.py` of the folder that raises it)."""
    declared = Rule(
        id,
        name,
        layer,
        severity,
        summary,
        explanation.strip(),
        bad,
        good,
        across_documents,
        on_requests,
        tuple((bad_files or {}).items()),
        tuple((good_files or {}).items()),
        fix,
    )
    if id in RULES or any(r.name == name for r in RULES.values()):
        raise ValueError(f"rule {id} {name} registered twice")
    RULES[id] = declared
    return declared


def all_rules() -> dict[str, Rule]:
    """Every rule, in id order (the same dict as `RULES`, completed)."""
    global _all_declared
    if not _all_declared:
        for module in _RULE_MODULES:
            importlib.import_module(f"{__package__}.{module}")
        ordered = sorted(RULES.items())
        RULES.clear()
        RULES.update(ordered)
        _all_declared = True
    return RULES


def find_rule(id_or_name: str) -> Rule | None:
    """Look a rule up by id (`HY301`, case-insensitive) or by name (`unknown-type`)."""
    rules = all_rules()
    key = id_or_name.strip()
    found = rules.get(key.upper())
    if found is not None:
        return found
    return next((r for r in rules.values() if r.name == key.lower()), None)


# ---------------------------------------------------------------- examples the rules share

def model_example(name: str, inputs: str, outputs: str, payload: str = "[src/]") -> str:
    """A Model for a rule's example; `inputs` and `outputs` are the contract's field lines."""
    return (
        f"kind: Model\nname: {name}\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\n"
        f"payload: {payload}\ncontract:\n  name: predict\n"
        f"  inputs:\n{inputs}  outputs:\n{outputs}"
    )


MODEL_EXAMPLE = model_example(
    "census",
    "    age: {shape: scalar, type: int64, profile: numerical}\n",
    "    income: {shape: scalar, type: string, profile: categorical}\n",
    payload="[src/, requirements.txt]",
)
APPLICATION_EXAMPLE = """\
kind: Application
name: census-app
singular:
  model: census:1
"""
CONFIGURATION_EXAMPLE = """\
kind: DeploymentConfiguration
name: small
hpa:
  minReplicas: 1
  maxReplicas: 4
  cpuUtilization: 70
"""

# ---------------------------------------------------------------- hydro itself
INTERNAL_ERROR = rule(
    "HY000", "internal-error", L.LINT, ERROR,
    "hydro itself failed on this document",
    """
A bug in hydro stopped the checks of one document. The other documents and files are
still checked. Please report it with the file that triggered it; the run exits with 3.
""",
    bad="# (any document that makes hydro fail)\n",
    good=APPLICATION_EXAMPLE,
)
