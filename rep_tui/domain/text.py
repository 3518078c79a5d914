"""Folding text so "José", "Jose", "O'Brien" and "OBrien" meet in search."""

from __future__ import annotations

import re
import unicodedata

_JOINERS = re.compile(r"[\u2019'`´\-\.]")
_NON_WORD = re.compile(r"[^0-9a-z@]+")


def strip_accents(text: str) -> str:
    if text.isascii():  # the common case: an index rebuild folds every lead
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("đ", "d").replace("Đ", "D").replace("ø", "o").replace("ß", "ss")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces."""
    return " ".join(_NON_WORD.sub(" ", strip_accents(text).lower()).split())


def words(text: str) -> list[str]:
    """Search words of a text: folded words, plus each word with its apostrophes
    and hyphens removed ("O'Brien" gives "o", "brien" and "obrien")."""
    plain = strip_accents(text).lower()
    out: list[str] = []
    for chunk in plain.split():
        if chunk.isalnum() and chunk.isascii():  # nothing to fold or split
            out.append(chunk)
            continue
        parts = _NON_WORD.sub(" ", _JOINERS.sub(" ", chunk)).split()
        out.extend(parts)
        joined = _NON_WORD.sub("", _JOINERS.sub("", chunk))
        if len(parts) > 1 and joined:
            out.append(joined)
    return out


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
