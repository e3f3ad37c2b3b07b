"""Applying fixes to one file until nothing changes, and the diff of what changed.

Each round applies every wanted fix that does not touch another's span, then checks the
file again. A round that leaves the file unreadable or with more errors of some rule than
before is undone; its fixes are then tried one at a time, and a fix that does harm alone
is refused for the rest of the run. Rounds are bounded, so fixes that undo each other
cannot loop.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Edit, Fix
from ..rules import Severity

#: A file's bytes in, its diagnostics (as the run reports them) out.
Check = Callable[[bytes], list[Diagnostic]]

#: Rounds of fixing one file: each round takes every fix that fits, so a few suffice.
MAX_ROUNDS = 25


@dataclass
class FixedFile:
    """One file whose fixes changed it: its bytes before and after, and what was fixed."""

    file: str
    before: bytes
    after: bytes
    #: Findings fixed, by rule id.
    fixed: Counter[str] = field(default_factory=Counter)

    def diff(self) -> str:
        """A unified diff that `patch -p0` (or `git apply -p0`) applies to the file."""
        return unified_diff(self.file, self.before, self.after)


@dataclass(frozen=True)
class Refusal:
    """A fix not applied: the finding (as it was when tried), and the rules it would
    have added errors of (HY001 when it would break the YAML)."""

    diagnostic: Diagnostic
    new_errors: tuple[str, ...]


def wanted(diagnostics: Iterable[Diagnostic], file: str, unsafe: bool) -> list[Diagnostic]:
    """The diagnostics of `file` whose fix is to be applied (safe ones, or all)."""
    return [
        d for d in diagnostics if d.fix is not None and d.file == file and (d.fix.safe or unsafe)
    ]


def fix_file(
    file: str, data: bytes, check: Check, unsafe: bool
) -> tuple[bytes, Counter[str], list[Refusal]]:
    """`data` with its fixes applied until none is left (or none can be), how many
    findings of each rule were fixed, and the fixes refused because they do harm."""
    current = check(data)
    fixed: Counter[str] = Counter()
    refused: dict[tuple[str, str, tuple[str, ...]], Refusal] = {}
    for _ in range(MAX_ROUNDS):
        candidates = [d for d in wanted(current, file, unsafe) if _key(d) not in refused]
        if not candidates:
            break
        changed, used = _apply(data, candidates)
        after = check(changed)
        if changed != data and not _new_errors(current, after):
            data, current = changed, after
            fixed.update(d.rule for d in used)
            continue
        for candidate in candidates:  # one at a time, refusing those that do harm
            changed, used = _apply(data, [candidate])
            after = check(changed)
            harm = _new_errors(current, after)
            if changed != data and not harm:
                data, current = changed, after
                fixed.update(d.rule for d in used)
                break
            refused[_key(candidate)] = Refusal(candidate, harm)
        else:
            break
    still = {_key(d) for d in wanted(current, file, unsafe)}
    return data, fixed, [r for key, r in refused.items() if key in still]


def _key(diagnostic: Diagnostic) -> tuple[str, str, tuple[str, ...]]:
    """A fix the same from one round to the next (its offsets move as others apply)."""
    assert diagnostic.fix is not None
    return diagnostic.rule, repr(diagnostic.path), tuple(e.text for e in diagnostic.fix.edits)


def _new_errors(before: list[Diagnostic], after: list[Diagnostic]) -> tuple[str, ...]:
    """The rules the file has more errors of than before (a syntax error is one)."""
    counted = Counter(d.rule for d in before if d.severity is Severity.ERROR)
    counted.subtract(d.rule for d in after if d.severity is Severity.ERROR)
    return tuple(sorted(rule for rule, count in counted.items() if count < 0))


def _apply(data: bytes, diagnostics: list[Diagnostic]) -> tuple[bytes, list[Diagnostic]]:
    """Apply the fixes that touch no span another one touches (the first by position
    wins; the others wait for the next round)."""
    taken: list[Edit] = []
    used: list[Diagnostic] = []
    seen: set[Fix] = set()
    for diagnostic in sorted(diagnostics, key=_position):
        fix = diagnostic.fix
        assert fix is not None
        if fix in seen:  # the same fix found twice (a value reached by two paths)
            continue
        if any(_touch(edit, other) for edit in fix.edits for other in taken):
            continue
        seen.add(fix)
        taken.extend(fix.edits)
        used.append(diagnostic)
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        data = data[: edit.start] + edit.text.encode("utf-8") + data[edit.end :]
    return data, used


def _position(diagnostic: Diagnostic) -> tuple[int, int, str]:
    assert diagnostic.fix is not None
    first = diagnostic.fix.edits[0]
    return first.start, first.end, diagnostic.rule


def _touch(one: Edit, other: Edit) -> bool:
    """Edits that overlap or meet: applied together, their order would matter."""
    return one.start <= other.end and other.start <= one.end


def unified_diff(file: str, before: bytes, after: bytes) -> str:
    """The diff of one file, with its name unprefixed on both sides (`patch -p0`), line
    endings kept, and the last line marked when it has no line break."""
    lines = difflib.unified_diff(_lines(before), _lines(after), file, file)
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(data: bytes) -> list[str]:
    """Lines as `patch` counts them: ended by `\n` only (a `\r` stays in its line)."""
    parts = data.decode("utf-8").split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
