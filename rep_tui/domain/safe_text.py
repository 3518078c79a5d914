"""Text from data made safe to show on a terminal.

A name, comment or file name may hold control characters: stored before the
server refused them, imported, or written into a database by other means.
Sent to a terminal as they are, `ESC ] 52 ; c ; … BEL` sets the clipboard,
`ESC ] 0 ; … BEL` the window title and `ESC [ 2 J` clears the screen; Rich
and Textual strip only BEL, BS, VT, FF and CR, and ESC passes. `visible`
shows each control character as a symbol instead (ESC as "␛", C1 controls,
which have no symbol, as "\\x9b"), so the text is seen, never obeyed.

Characters that draw nothing are shown too: the bidi controls (U+202E makes
"invoice\\u202Efdp.exe" read "invoiceexe.pdf") and the zero-width ones (two
names that look alike, one with a U+200B inside): as "\\u202e", "\\u200b".
"""

from __future__ import annotations

import json
import re
from typing import Any

#: The bidi controls (Unicode's Bidi_Control: they reorder what follows) and
#: the zero-width space, joiners and no-break space: text that shows no mark.
INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
#: What `json.dumps(ensure_ascii=False)` leaves as it is but a terminal would obey or cannot encode.
_UNSAFE_IN_JSON = re.compile(rf"[\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
#: C0 controls, DEL, C1 controls, invisible characters, and lone surrogates
#: (which cannot be encoded for a terminal at all).
_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
#: The same, but newline and tab are kept: long text (comments, notes) keeps its lines.
_UNSAFE_IN_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
_DEL_SYMBOL = "\u2421"  # ␡
_C0_SYMBOLS = 0x2400  # the Unicode block Control Pictures: U+2400 ␀ … U+241F ␟, in the order of C0


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_C0_SYMBOLS + code)
    if code == 0x7F:
        return _DEL_SYMBOL
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with every control or invisible character shown as a visible symbol; with
    `lines`, newlines and tabs are kept (a Windows line end as a newline)."""
    if text.isprintable():  # the common case, and much faster than the search
        return text
    if lines:
        return _UNSAFE_IN_LINES.sub(_symbol, text.replace("\r\n", "\n"))
    return _UNSAFE.sub(_symbol, text)


def json_text(value: Any) -> str:
    """`value` as indented JSON that keeps "José" readable but escapes every
    control character: `ensure_ascii=False` escapes only C0, so DEL, C1 and
    lone surrogates are written as \\uXXXX here (they occur only inside
    strings, so the JSON stays valid and decodes to the same value)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
