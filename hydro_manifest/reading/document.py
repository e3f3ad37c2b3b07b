"""Validating one loaded document: kind, pydantic model, document checks.

pydantic's errors become findings here. Three kinds of error are not problems of the
document but of spelling, and are repaired before validating again, so the typed model
matches what the platform would read:

* a key in its Python spelling (`install_command`): renamed, with a warning;
* a key of an older format (`version`): removed, with a warning;
* a number or boolean where text is expected: replaced by the text as written, silently
  when the text survives (`cpu: 2`), with the quote-it error when it does not (`1.10`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode

from .. import spec
from ..diagnostics import Finding, Path, Span, Target
from ..fixes.changes import Remove, Replace, quoted, rename
from ..kinds import KINDS, NAMES
from ..kinds.base import canonical_keys, keys_of, missing_hs_fields, model_at
from ..kinds.rules import EMPTY_VALUE
from ..rules import RULES
from ..suggest import closest, did_you_mean
from .loader import SourceDocument, is_plain, text_survives, yaml_type_word
from .positions import find_node, locate, span_of
from .rules import (
    DUPLICATE_KEY,
    LEGACY_KEY,
    METADATA_BOOLEAN,
    MISSING_FIELD,
    MISSING_KIND,
    NON_CANONICAL_KEY,
    NOT_A_MAPPING,
    NUL_CHARACTER,
    QUOTE_IT,
    UNKNOWN_KEY,
    UNKNOWN_KIND,
    UNSUPPORTED_TAG,
    WRONG_TYPE,
)
from .tags import BOOL, FLOAT, INT, TIMESTAMP

_MAX_REPAIRS = 4

#: How pydantic's type errors name what was expected.
_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "literal_error": "one of the listed values",
}


@dataclass
class DocumentOutcome:
    """What validating one document gives: its kind, name, typed model and findings, and
    the composed document, to place the findings in the file."""

    node: Node
    kind: str | None
    name: str | None
    resource: BaseModel | None
    findings: list[Finding]
    renames: dict[Path, dict[str, str]] = field(default_factory=dict)

    def place(self, finding: Finding) -> tuple[Span, Path]:
        """Where a finding is, and its path in the spelling of the file. The loader's
        findings carry both already; the others a path in canonical spelling."""
        if finding.span is not None:
            return finding.span, finding.path
        return self.locate(finding.path, finding.target)

    def locate(self, path: Path, target: Target = Target.VALUE) -> tuple[Span, Path]:
        """The span of what a canonical path points at, and the path as the file spells it:
        the one way a manifest's path becomes a position."""
        source = self.source_path(path)
        return locate(self.node, source, target), source

    def source_path(self, path: Path) -> Path:
        """A path in canonical spelling, back in the spelling of the file."""
        if not self.renames:
            return path
        out: list[Any] = []
        for index, element in enumerate(path):
            renamed = self.renames.get(path[:index], {})
            out.append(renamed.get(element, element) if isinstance(element, str) else element)
        return tuple(out)


def validate_document(document: SourceDocument) -> DocumentOutcome:
    """Every finding of one document: the loader's, then the models' and the checks'."""
    outcome = _validate(document)
    _drop_findings_under_unreadable_nodes(document, outcome)
    return outcome


def _validate(document: SourceDocument) -> DocumentOutcome:
    value = document.value
    findings = list(document.findings)
    if not isinstance(value, dict):
        if value is not None or not findings:
            what = "a list" if isinstance(value, list) else f"the value {value!r}"
            findings.append(
                Finding(
                    NOT_A_MAPPING,
                    f"this document is {what}, not a mapping of keys to values",
                    hint="a manifest is a mapping that starts with `kind:` and `name:`",
                    span=_first_line_span(document.node),
                )
            )
        return DocumentOutcome(document.node, None, None, None, findings)
    name = value.get("name") if isinstance(value.get("name"), str) else None
    kind = _resolve_kind(value, findings)
    if kind is None:
        raw = value.get("kind")
        return DocumentOutcome(
            document.node, raw if isinstance(raw, str) else None, name, None, findings
        )
    value["kind"] = kind
    model, checks = KINDS[kind].model, KINDS[kind].checks
    outcome = DocumentOutcome(document.node, kind, name, None, findings)
    outcome.resource = _validate_model(model, document.node, value, outcome)
    findings.extend(missing_hs_fields(model, value))
    for check in checks:
        findings.extend(check(value))
    return outcome


#: Loader findings after which nothing more is worth saying about the node.
_UNREADABLE = (UNSUPPORTED_TAG, NUL_CHARACTER)


def _drop_findings_under_unreadable_nodes(
    document: SourceDocument, outcome: DocumentOutcome
) -> None:
    """A tagged node (HY009) or a NUL character (HY016) was reported once; what the models
    say of that value is noise."""
    unread = [f.path for f in document.findings if f.rule in _UNREADABLE]
    if not unread:
        return
    loaded = len(document.findings)
    outcome.findings[loaded:] = [
        f
        for f in outcome.findings[loaded:]
        if not any(outcome.source_path(f.path)[: len(p)] == p for p in unread)
    ]


def _first_line_span(node: Node) -> Span:
    span = span_of(node)
    return Span(span.line, span.column, span.line, span.column + 1)


# ------------------------------------------------------------------ kind


def is_manifest(node: Node) -> bool:
    """Whether `hydro lint` treats a document as a Hydrosphere manifest.

    Its `kind` is one of the three, a near miss (`Modle`) or an older name; or it has no
    `kind` but a `name` and the keys of exactly one of them. Kubernetes objects
    (`apiVersion`) are not, even `kind: Application` of Argo CD. Decided from the root's
    own keys, as composed: a document whose aliases explode is still recognised.
    """
    if not isinstance(node, MappingNode):
        return False
    keys = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
    if "apiVersion" in keys:
        return False
    kind = keys.get("kind")
    if kind is None:
        guesses = sum(bool(k.telltale_keys & keys.keys()) for k in KINDS.values())
        return "name" in keys and guesses == 1
    if not isinstance(kind, ScalarNode):
        return False
    text = kind.value
    return text in NAMES or text in spec.LEGACY_KINDS or bool(closest(text, NAMES))


def _resolve_kind(value: dict[str, Any], findings: list[Finding]) -> str | None:
    """The kind to validate the document as, reporting a missing or unknown `kind`."""
    kind = value.get("kind")
    if kind in NAMES:
        return str(kind)
    if kind is None:
        guesses = [k.name for k in KINDS.values() if k.telltale_keys & value.keys()]
        guess = guesses[0] if len(guesses) == 1 else None
        if isinstance(value.get("model"), dict) and guess is None:
            hint = "this looks like a 1.x serving.yaml; 3.x manifests start with `kind: Model`"
        elif guess:
            article = "an" if guess[0] in "AEIOU" else "a"
            hint = f"the keys look like {article} {guess}: add `kind: {guess}`"
        else:
            hint = "add `kind:` with Model, Application or DeploymentConfiguration"
        findings.append(Finding(MISSING_KIND, "missing `kind`", ("kind",), hint, Target.PARENT))
        return guess
    text = str(kind)
    replacement = spec.LEGACY_KINDS.get(text)
    if replacement is not None:
        findings.append(
            Finding(
                UNKNOWN_KIND,
                f"kind '{text}' belongs to an older release; `hs apply` 3.x rejects it",
                ("kind",),
                f"did you mean '{replacement}'?",
                change=Replace(replacement),
            )
        )
        return replacement if text == "DeploymentConfig" else None
    matches = closest(text, NAMES, limit=1)
    findings.append(
        Finding(
            UNKNOWN_KIND,
            f"unknown kind '{text}'",
            ("kind",),
            did_you_mean(text, NAMES, listing="valid kinds", matches=matches),
            change=rename(matches),
        )
    )
    return matches[0] if matches else None


# ------------------------------------------------------------------ pydantic


def _validate_model(
    model: type[BaseModel], root: Node, value: dict[str, Any], outcome: DocumentOutcome
) -> BaseModel | None:
    """Validate, repairing spelling (see the module docstring) until nothing is left."""
    for _ in range(_MAX_REPAIRS):
        try:
            return model.model_validate(value, by_name=False)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        translator = _Translator(model, root, value, outcome)
        findings = [translator.translate(e) for e in errors]
        if not translator.repaired:
            outcome.findings.extend(f for f in findings if f is not None)
            return None
    return None


class _Translator:
    """Turns one round of pydantic errors into findings, repairing what it can."""

    def __init__(
        self, model: type[BaseModel], root: Node, value: dict[str, Any], outcome: DocumentOutcome
    ) -> None:
        self.model = model
        self.root = root
        self.value = value
        self.outcome = outcome
        self.repaired = False

    def translate(self, error: Any) -> Finding | None:
        kind: str = error["type"]
        loc = tuple(error["loc"])
        target = Target.VALUE
        if loc and loc[-1] == "[key]":
            loc, target = loc[:-1], Target.KEY
        rule = RULES.get(kind)
        if rule is not None:
            context = error.get("ctx") or {}
            message, hint = context.get("message", error["msg"]), context.get("hint")
            return Finding(rule, message, loc, hint, target, change=context.get("change"))
        if kind == "missing":
            return self.missing(loc)
        if kind == "extra_forbidden":
            return self.extra(loc)
        return self.wrong_type(kind, loc, error.get("input"))

    # -- repairs are applied at once and reported through outcome.findings

    def _container(self, path: Path) -> Any:
        node: Any = self.value
        for element in path:
            node = node[element]
        return node

    def _repair(self, finding: Finding | None) -> None:
        self.repaired = True
        if finding is not None:
            self.outcome.findings.append(finding)

    def missing(self, loc: Path) -> Finding:
        owner = model_at(self.model, loc[:-1])
        entry = keys_of(owner).get(str(loc[-1])) if owner else None
        description = entry[1].description if entry else None
        return Finding(
            MISSING_FIELD,
            f"missing required key `{loc[-1]}`",
            loc,
            f"add `{loc[-1]}:`, {description}" if description else None,
            Target.PARENT,
        )

    def extra(self, loc: Path) -> Finding | None:
        parent_loc, key = loc[:-1], str(loc[-1])
        owner = model_at(self.model, parent_loc)
        if owner is None:
            return Finding(UNKNOWN_KEY, f"unknown key '{key}'", loc, None, Target.KEY)
        keys = keys_of(owner)
        if key in keys:
            self.rename(parent_loc, key, keys[key][0])
            return None
        legacy = spec.LEGACY_KEYS.get(owner.__name__, {}).get(key)
        if legacy is not None:
            del self._container(parent_loc)[key]
            message = f"legacy key '{key}'"
            self._repair(Finding(LEGACY_KEY, message, loc, legacy, Target.KEY, change=Remove()))
            return None
        old = spec.OLD_DIALECT_KEYS.get(owner.__name__, {}).get(key)
        valid = canonical_keys(owner)
        matches = closest(key, valid)
        hint = old or did_you_mean(key, valid, listing="valid keys here", matches=matches)
        return Finding(
            UNKNOWN_KEY,
            f"unknown key '{key}': the platform ignores it",
            loc,
            hint,
            Target.KEY,
            change=None if old else rename(matches),
        )

    def rename(self, parent_loc: Path, key: str, canonical: str) -> None:
        container = self._container(parent_loc)
        if canonical in container:
            del container[key]
            self._repair(
                Finding(
                    DUPLICATE_KEY,
                    f"'{key}' and '{canonical}' are the same key in two spellings; "
                    f"'{canonical}' wins",
                    (*parent_loc, key),
                    f"remove '{key}'",
                    Target.KEY,
                )
            )
            return
        items = list(container.items())
        container.clear()
        container.update((canonical if k == key else k, v) for k, v in items)
        self.outcome.renames.setdefault(parent_loc, {})[canonical] = key
        self._repair(
            Finding(
                NON_CANONICAL_KEY,
                f"'{key}' works, but the documented spelling is '{canonical}'",
                (*parent_loc, canonical),
                f"write '{canonical}'",
                Target.KEY,
                change=Replace(canonical),
            )
        )

    def wrong_type(self, kind: str, loc: Path, given: Any) -> Finding | None:
        source = self.outcome.source_path(loc)
        _, node = find_node(self.root, source)
        if kind == "string_type" and given is not None and isinstance(node, ScalarNode):
            repaired = self.yaml11_text(loc, node, given)
            if repaired:
                return None
        expected = _EXPECTED.get(kind, "another kind of value")
        if given is None:
            return Finding(
                EMPTY_VALUE,
                f"this value is empty (null); expected {expected}",
                loc,
                "write the value, or remove the key",
            )
        hint, change = None, None
        if isinstance(given, str) and kind in ("int_type", "float_type"):
            hint = "remove the quotes" if _is_number(given) else None
            change = _unquoted(given, int if kind == "int_type" else (int, float))
        message = f"expected {expected}, found {_describe(given)}"
        return Finding(WRONG_TYPE, message, loc, hint, change=change)

    def yaml11_text(self, loc: Path, node: ScalarNode, given: Any) -> bool:
        """Replace a YAML 1.1 number, boolean or date by its text; report a changed text."""
        if not is_plain(node) or node.tag not in (INT, FLOAT, BOOL, TIMESTAMP):
            return False
        text = node.value
        self._container(loc[:-1])[loc[-1]] = text
        if node.tag != TIMESTAMP and text_survives(given, text):
            self._repair(None)
            return True
        if node.tag == BOOL and loc[:-1] == ("metadata",):
            message = (
                f"`{text}` is read by YAML 1.1 as a boolean: the docs allow booleans in "
                f"metadata, but it arrives as the text '{given}'"
            )
            hint = f"quote it if the text matters: '{text}'"
            change = Replace(quoted(text))
            self._repair(Finding(METADATA_BOOLEAN, message, loc, hint, change=change))
            return True
        if node.tag == TIMESTAMP:
            message = (
                f"`{text}` is read by YAML 1.1 as a date, which `hs` rejects where text is expected"
            )
        else:
            message = (
                f"`{text}` is read by YAML 1.1 as {yaml_type_word(node)} and would reach the "
                f"platform as '{given}'"
            )
        hint = f"quote it: '{text}'"
        self._repair(Finding(QUOTE_IT, message, loc, hint, change=Replace(quoted(text))))
        return True


def _unquoted(text: str, wanted: type | tuple[type, ...]) -> Replace | None:
    """The number without its quotes, when YAML 1.1 reads it back as a number of the type
    the field wants (`"3"` as 3; not `"1e3"`, which YAML 1.1 reads as text)."""
    import yaml

    try:
        read = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    fits = isinstance(read, wanted) and not isinstance(read, bool)
    return Replace(text.strip()) if fits else None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) <= 40 else "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__
