"""Make candidate and author text safe to show on a screen, in a report or an export."""

from __future__ import annotations

import unicodedata

# Control characters become their visible Unicode "control picture" (U+2400 block), so an ESC
# shows as ␛ and cannot clear or restyle the terminal; newline and tab keep their meaning.
_TABLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE[0x7F] = 0x2421  # DEL
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})  # C1 controls (8-bit CSI and friends)
_TABLE[0x0D] = 0x240D  # a lone CR would move the cursor to the line start


def display_safe(text: str) -> str:
    """Return `text` with control characters, ESC and DEL made visible; newlines and tabs stay."""
    return text.replace("\r\n", "\n").translate(_TABLE)


def reflow(text: str) -> str:
    """Join lines an author wrapped by hand into paragraphs; keep blank lines and list items."""
    out: list[str] = []
    for line in text.strip().splitlines():
        stripped = line.strip()
        starts_item = stripped[:2] in ("- ", "* ", "• ") or (stripped[:1].isdigit() and stripped[1:3] in (". ", ") "))
        if out and out[-1] and stripped and not starts_item:
            out[-1] += " " + stripped
        else:
            out.append(stripped)
    return "\n".join(out)


_fold_cache: dict[str, str] = {}


def fold(word: str) -> str:
    """Lower-case, drop apostrophes and diacritics: 'Don’t' -> 'dont', 'Jānis' -> 'janis' (for matching and search)."""
    found = _fold_cache.get(word)
    if found is None:
        lowered = word.lower().replace("'", "").replace("’", "")
        if not lowered.isascii():
            lowered = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
        if len(_fold_cache) > 200_000:  # bounded: replies are free text
            _fold_cache.clear()
        _fold_cache[word] = found = lowered
    return found
