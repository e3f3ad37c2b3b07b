"""'Did you mean …?': the closest valid spellings of a misspelt word."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from .redaction import redact

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
    near = [c for c in candidates if _one_edit(normal, _normal(c))]
    if near:
        return near[:limit]
    by_normal = {_normal(c): c for c in candidates}
    matches = difflib.get_close_matches(normal, list(by_normal), n=limit, cutoff=0.7)
    return [by_normal[m] for m in matches]


def _one_edit(a: str, b: str) -> bool:
    """One typo apart: a letter changed (`HY2O3`), added, dropped, or two neighbours
    swapped (`scr` for `src`), which difflib's ratio ranks below looser matches."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]]
            and a[differ[1]] == b[differ[0]]
        )
    shorter, longer = sorted((a, b), key=len)
    pairs = enumerate(zip(shorter, longer, strict=False))
    start = next((i for i, (x, y) in pairs if x != y), len(shorter))
    return shorter[start:] == longer[start + 1 :]


#: Letters that Unicode does not decompose into a latin letter and a mark.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)


def suggestable(text: str) -> str:
    """`text` as a name suggested in its place starts from it: a URL's password hidden (in
    `a-http-u-pw-h` no redaction would find it), and `détection-fraude` as
    `detection-fraude`: accents dropped, a few letters spelled out, so that the suggestion
    keeps the words (other characters are left as they are)."""
    text = redact(text)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


def spoken(words: Iterable[str], last: str = "or") -> str:
    """`a, b, c or d`: a list of choices as a sentence says it."""
    listed = list(words)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} {last} {listed[-1]}"
