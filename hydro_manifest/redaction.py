"""Credentials in URLs, hidden before anything is printed, as pip hides them.

pip shows `https://user:****@host` for a user and password, and `https://****@host` for a
token alone (`pip._internal.utils.misc.redact_netloc`). hydro's reports go to CI logs,
SARIF uploads and job summaries, so every text it shows (messages, hints, code frames,
file names, baselines' fingerprints) passes through `redact`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

#: Where a URL starts in free text: its scheme (`https://`, `git+https://`, `s3://`), also
#: with one slash, as it stands in a path made of it (`/model/files/https:/u:p@h`), and
#: right after other text (`==1.0https://u:p@h`, `éhttps://…`), where no word begins.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/+")
#: What ends a URL's authority (`user:password@host:port`) in free text.
_AUTHORITY_END = frozenset("/?#\\ \t\r\n\"'`<>()[]{},;|")
HIDDEN = "****"


def redact(text: str) -> str:
    """`text` with the password (or a lone token) of every URL in it replaced by `****`."""
    return redacted(text)[0]


def redacted(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` redacted, and for each replacement where it ended in `text` (a 0-based
    offset) and how many characters it removed (negative: added), so that a column after
    it can be moved (`moved`)."""
    parts: list[str] = []
    shifts: list[tuple[int, int]] = []
    done = 0
    for start, userinfo, _ in _credentials(text):
        if start < done:
            continue
        user, colon, _ = userinfo.partition(":")
        shown = f"{user}:{HIDDEN}" if colon else HIDDEN
        parts.append(text[done:start])
        parts.append(shown)
        done = start + len(userinfo)
        shifts.append((done, len(userinfo) - len(shown)))
    if not shifts:
        return text, []
    parts.append(text[done:])
    return "".join(parts), shifts


def _credentials(text: str) -> Iterator[tuple[int, str, str]]:
    """Each URL's credentials in `text`: where its user information starts, that
    information (`user:password`, or a lone token), and the secret in it."""
    if ":/" not in text:
        return
    for match in _SCHEME.finditer(text):
        start = end = match.end()
        while end < len(text) and text[end] not in _AUTHORITY_END:
            end += 1
        authority = text[start:end]
        if "@" not in authority:
            continue
        userinfo = authority.rsplit("@", 1)[0]
        user, colon, password = userinfo.partition(":")
        secret = password if colon else user
        if secret != HIDDEN:
            yield start, userinfo, secret


#: Secrets shorter than this are hidden only where they stand in their URL: hiding every
#: `abc` of a report would garble it.
SHORTEST_SECRET = 6


def secrets_in(text: str) -> set[str]:
    """The passwords and lone tokens of the URLs in `text` (of `SHORTEST_SECRET`
    characters or more), for `scrub`."""
    return {s for _, _, s in _credentials(text) if len(s) >= SHORTEST_SECRET}


def scrub(text: str, secrets: frozenset[str]) -> str:
    """`text` redacted, and each of `secrets` in it hidden in any letter case: a report
    that quotes part of a value (a tag cut at its `@`, a name made lowercase) shows no URL
    for `redact` to find, but may still show the secret."""
    text = redact(text)
    if not secrets:
        return text
    return _pattern(secrets).sub(HIDDEN, text)


@functools.lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str]:
    longest_first = sorted(secrets, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)


def moved(column: int, shifts: list[tuple[int, int]]) -> int:
    """A 1-based column of the original text, in the redacted text."""
    return column - sum(removed for end, removed in shifts if end < column)
