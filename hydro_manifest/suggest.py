"""'Did you mean …?': the closest valid spellings of a misspelt word."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[-_\s.]")


def _normal(word: str) -> str:
    return _SEPARATORS.sub("", word).lower()


def closest(word: str, candidates: Iterable[str], *, limit: int = 2) -> list[str]:
    """Candidates equal to `word` but for case and separators, else the most similar."""
    candidates = list(dict.fromkeys(candidates))
    normal = _normal(word)
    same = [c for c in candidates if _normal(c) == normal]
    if same:
        return same[:limit]
    swapped = [c for c in candidates if _one_transposition(normal, _normal(c))]
    if swapped:
        return swapped[:limit]
    by_normal = {_normal(c): c for c in candidates}
    matches = difflib.get_close_matches(normal, list(by_normal), n=limit, cutoff=0.7)
    return [by_normal[m] for m in matches]


def _one_transposition(a: str, b: str) -> bool:
    """`scr` for `src`: two neighbouring letters swapped, a typo difflib scores low."""
    if len(a) != len(b) or a == b:
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and a[differ[0]] == b[differ[1]]
        and (a[differ[1]] == b[differ[0]])
    )


def did_you_mean(
    word: str,
    candidates: Iterable[str],
    *,
    listing: str | None = None,
    matches: list[str] | None = None,
) -> str | None:
    """A hint such as "did you mean 'float32'? valid types: bool, string, …"."""
    candidates = list(candidates)
    found = matches if matches is not None else closest(word, candidates)
    parts = []
    if found:
        parts.append("did you mean " + " or ".join(f"'{m}'" for m in found) + "?")
    if listing:
        parts.append(f"{listing}: {', '.join(candidates)}")
    return " ".join(parts) or None
