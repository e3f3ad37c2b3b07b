"""The file's text before YAML reads it: bytes to text, and what the reader would take
for something else (byte-order marks, indentation with no-break spaces).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..diagnostics import Finding, Span
from ..fixes.changes import Edits
from .positions import point
from .rules import BYTE_ORDER_MARK, ENCODING, INNER_BYTE_ORDER_MARK, UNICODE_SPACE_INDENT

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode(data: bytes) -> tuple[str, list[Finding]]:
    """Decode a file's bytes as UTF-8, reporting a byte-order mark or bytes that are not."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), [_bom_finding()]
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, "replace")
            return text, [
                Finding(
                    ENCODING,
                    f"the file is {name} (it starts with a {name} byte-order mark); "
                    "`hs apply` reads UTF-8",
                    hint="re-save the file as UTF-8",
                    span=Span(1, 1, 1, 2),
                )
            ]
    if _looks_like_utf16(data):
        codec = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(codec, "replace"), [
            Finding(
                ENCODING,
                "the file is UTF-16 without a byte-order mark; `hs apply` reads UTF-8",
                hint="re-save the file as UTF-8",
                span=Span(1, 1, 1, 2),
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", "replace")
        prefix = data[: error.start].decode("utf-8", "replace")
        bad = data[error.start : error.end].hex(" ")
        return text, [
            Finding(
                ENCODING,
                f"the file is not UTF-8: byte {bad} at offset {error.start} is not valid UTF-8",
                hint="re-save the file as UTF-8 (it looks like Latin-1 or a Windows code page)",
                span=point(prefix + "\ufffd", len(prefix)),
            )
        ]


def _looks_like_utf16(data: bytes) -> bool:
    """ASCII text saved as UTF-16: every other byte of its start is a NUL."""
    head = data[:64]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return False
    evens, odds = head[0::2], head[1::2]
    return (odds.count(0) == len(odds) and 0 not in evens) or (
        evens.count(0) == len(evens) and 0 not in odds
    )


def strip_bom(text: str) -> tuple[str, list[Finding]]:
    """The same check for text that was decoded elsewhere."""
    if text.startswith("\ufeff"):
        return text[1:], [_bom_finding()]
    return text, []


def _bom_finding() -> Finding:
    return Finding(
        BYTE_ORDER_MARK,
        "the file starts with a UTF-8 byte-order mark",
        hint="save the file as UTF-8 without BOM",
        span=Span(1, 1, 1, 2),
        change=Edits(((-1, 0, ""),)),
    )


def readable(text: str) -> tuple[str, list[Finding]]:
    """The text as YAML should read it, and what was changed: a byte-order mark inside the
    file (files joined with `cat`) is left out, and indentation with no-break spaces
    becomes plain spaces, so that the document is read as it was meant and each is
    reported once, where it is."""
    findings: list[Finding] = []
    if not text.isascii() and _ODD_INDENT.search(text):  # first: spaces keep the offsets
        findings.extend(_odd_indents(text))
        text = _ODD_INDENT.sub(lambda m: " " * len(m.group()), text)
    if "\ufeff" in text:
        findings.extend(_inner_byte_order_marks(text))
        text = text.replace("\ufeff", "")
    return text, findings


#: The indentation of a line that holds a space YAML does not count as one (a no-break
#: space pasted from a web page or a word processor).
_UNICODE_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_INDENT = re.compile(f"^[ ]*[{_UNICODE_SPACES}][ {_UNICODE_SPACES}]*", re.MULTILINE)


def _odd_indents(text: str) -> list[Finding]:
    found = []
    for match in _ODD_INDENT.finditer(text):
        offset = match.start() + len(match.group()) - len(match.group().lstrip(" "))
        character = text[offset]
        name = unicodedata.name(character, "space").lower()
        article = "an" if name[0] in "aeiou" else "a"
        span = point(text, offset)
        found.append(
            Finding(
                UNICODE_SPACE_INDENT,
                f"this line is indented with {article} {name} (U+{ord(character):04X}) at column "
                f"{span.column}: YAML indents with plain spaces only, so `hs apply` reads "
                "it as part of the key",
                hint="replace the indentation with plain spaces",
                span=span,
                change=Edits(((match.start(), match.end(), " " * len(match.group())),)),
            )
        )
    return found


def _inner_byte_order_marks(text: str) -> list[Finding]:
    return [
        Finding(
            INNER_BYTE_ORDER_MARK,
            "an invisible byte-order mark (U+FEFF) inside the file, as when files are joined "
            "with `cat`: `hs apply` reads the key after it as another key (`\\ufeffkind`)",
            hint="delete it; save each file as UTF-8 without BOM before joining them",
            span=point(text, found.start()),
            change=Edits(((found.start(), found.end(), ""),)),
        )
        for found in re.finditer("\ufeff", text)
    ]
