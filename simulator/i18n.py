"""Interface text in English, Latvian, Lithuanian and Danish, from message catalogs; local formats.

Catalogs are `simulator/locales/<lang>.yaml`: nested or dotted keys mapping to strings with
`{name}` placeholders, or to plural forms (`{one: ..., few: ..., other: ...}`) chosen by `n`.
English is the reference: a key missing in another catalog falls back to English at run time
(never a crash) and fails `tests/test_i18n.py`. No Babel: four languages' rules fit on a page.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Mapping

from .model import LANGUAGES  # one list of the languages rolesim speaks
from .yamlsource import load_packaged

DEFAULT = "en"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
# The plural forms each catalog must give (CLDR categories; Latvian "zero" falls back to "other").
REQUIRED_FORMS = {"en": {"one", "other"}, "da": {"one", "other"}, "lv": {"one", "other"}, "lt": {"one", "few", "many", "other"}}
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Number separators (group, decimal) and date patterns per language (CLDR's usual choices).
SEPARATORS = {"en": (",", "."), "lv": ("\u00a0", ","), "lt": ("\u00a0", ","), "da": (".", ",")}
DATE = {"en": "{y:04d}-{m:02d}-{d:02d}", "lv": "{d:02d}.{m:02d}.{y:04d}.", "lt": "{y:04d}-{m:02d}-{d:02d}", "da": "{d:02d}.{m:02d}.{y:04d}"}
TIME = {"en": "{H:02d}:{M:02d}", "lv": "{H:02d}:{M:02d}", "lt": "{H:02d}:{M:02d}", "da": "{H:02d}.{M:02d}"}
CURRENCY = {"EUR": "€", "DKK": "kr."}


def language(code: str | None) -> str:
    """A supported language code for `code` ('lv', 'LV', 'lv_LV.UTF-8' -> 'lv'); English otherwise."""
    if not code:
        return DEFAULT
    base = code.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return base if base in LANGUAGES else DEFAULT


def is_plural(value: Any) -> bool:
    """A catalog value that is a set of plural forms rather than a group of keys."""
    return isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_FORMS)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested YAML mappings as dotted keys; plural forms stay one value."""
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not is_plural(value):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value if is_plural(value) else ("" if value is None else str(value))
    return out


@lru_cache(maxsize=None)
def load_table(lang: str) -> dict[str, Any]:
    """The catalog of `lang` as {dotted key: text or plural forms}; {} when there is none."""
    try:
        return flatten(load_packaged("simulator.locales", f"{lang}.yaml") or {})
    except (FileNotFoundError, OSError):
        return {}


def placeholders(value: Any) -> set[str]:
    """The `{name}` placeholders of a catalog value (all plural forms together)."""
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in PLACEHOLDER.findall(str(text))}


def plural_category(lang: str, n: float) -> str:
    """The CLDR plural category of `n` in `lang`: 'one', 'few', 'many', 'zero' or 'other'."""
    whole = int(abs(n))
    fraction = abs(n) != whole
    if lang == "lt":
        if fraction:
            return "many"
        if whole % 10 == 1 and not 11 <= whole % 100 <= 19:
            return "one"
        if 2 <= whole % 10 <= 9 and not 11 <= whole % 100 <= 19:
            return "few"
        return "other"
    if lang == "lv":
        if fraction:
            return "other"
        if whole % 10 == 0 or 11 <= whole % 100 <= 19:
            return "zero"
        if whole % 10 == 1 and whole % 100 != 11:
            return "one"
        return "other"
    if lang == "da":
        return "one" if abs(n) == 1 else "other"  # "1,5 minutter": Danish writes fractions plural
    return "one" if abs(n) == 1 and not fraction else "other"


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Put values into `{name}` placeholders; an unknown name stays as written (never a crash).

    Values are inserted once and never parsed again, so candidate text in them is safe.
    """
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def format_number(value: float | int, lang: str = DEFAULT, decimals: int | None = None, grouping: bool = True) -> str:
    """A number as people of `lang` write it: 1,234.5 (en), 1 234,5 (lv, lt), 1.234,5 (da)."""
    lang = language(lang)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 3
        text = f"{value:,.{decimals}f}"
        if decimals:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    group, point = SEPARATORS[lang]
    text = text.replace(",", "\0").replace(".", point).replace("\0", group if grouping else "")
    return text


def format_money(amount: float, lang: str = DEFAULT, currency: str = "EUR") -> str:
    """An amount with two decimals and the currency where `lang` puts it: €349.00, 349,00 €."""
    lang = language(lang)
    symbol = CURRENCY.get(currency, currency)
    number = format_number(amount, lang, decimals=2)
    if lang == "en":
        return f"{symbol}{number}" if symbol == "€" else f"{currency} {number}"
    return f"{number}\u00a0{symbol}"


def _as_datetime(value: date | datetime | str) -> datetime:
    if value is None:
        raise ValueError("no date")
    if isinstance(value, str):
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def format_date(value: date | datetime | str, lang: str = DEFAULT) -> str:
    """A date: 2026-11-23 (en, lt), 23.11.2026. (lv), 23.11.2026 (da)."""
    lang = language(lang)
    try:
        d = _as_datetime(value)
    except ValueError:
        return "" if value is None else str(value)
    return DATE[lang].format(y=d.year, m=d.month, d=d.day)


# A date as the list shows it: ISO 2026-11-23 (en, lt) or day first with points (23.11.2026. lv, 23.11.2026 da),
# then maybe the time, 13:14 or 13.14.
_TYPED_DATE = re.compile(r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\.?)(?:\s+(\d{1,2})[:.](\d{2}))?")


def parse_date(text: str) -> str | None:
    """A typed date, with or without a time, as ISO ("2026-11-23", "2026-11-23T13:14"); None if it is no date."""
    m = _TYPED_DATE.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d, d2, mo2, y2, hour, minute = m.groups()
    try:
        found = datetime(int(y or y2), int(mo or mo2), int(d or d2), int(hour or 0), int(minute or 0))
    except ValueError:  # 31.02.2026, 25:00
        return None
    return found.isoformat(timespec="minutes") if hour else found.date().isoformat()


def format_datetime(value: date | datetime | str, lang: str = DEFAULT) -> str:
    """A date and time to the minute, as stored (no time zone conversion): 23.11.2026. 13:14 (lv)."""
    lang = language(lang)
    day = format_date(value, lang)
    try:
        d = _as_datetime(value)
    except ValueError:
        return day  # what format_date made of a value that is no date
    return day + " " + TIME[lang].format(H=d.hour, M=d.minute)


def format_clock(seconds: float | None, lang: str = DEFAULT, tenths: bool = False) -> str:
    """A duration as m:ss (or m:ss.s with `tenths`, decimal comma outside English); — for none."""
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if not tenths:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    text = f"{int(seconds // 60)}:{seconds % 60:04.1f}"
    return text.replace(".", SEPARATORS[language(lang)][1])


class Messages:
    """The interface text of one language: `messages("notice.heading")`, `messages("x", n=3, name=...)`."""

    def __init__(self, lang: str):
        self.lang = language(lang)
        self.table = load_table(self.lang)

    @property
    def fallback(self) -> dict[str, Any]:
        """English, read only when a key is missing here."""
        return load_table(DEFAULT) if self.lang != DEFAULT else {}

    def __repr__(self) -> str:
        return f"Messages({self.lang!r})"

    def has(self, key: str) -> bool:
        """Whether this catalog itself gives `key` (no English fallback)."""
        return key in self.table

    def raw(self, key: str) -> Any:
        """The catalog value of `key`, English when this catalog lacks it, the key itself when both do."""
        if key in self.table:
            return self.table[key]
        return self.fallback.get(key, key)

    def __call__(self, key: str, /, n: float | None = None, **values: Any) -> str:
        value = self.raw(key)
        if isinstance(value, dict):
            category = plural_category(self.lang, n if n is not None else 0)
            value = value.get(category) or value.get("other", "")
        if n is not None and "n" not in values:
            values["n"] = format_number(n, self.lang)
        return fill(str(value), values)

    def get(self, key: str, default: str | None = None, **values: Any) -> str | None:
        """The text of `key` if any catalog has it, else `default`."""
        if key not in self.table and key not in self.fallback:
            return default
        return self(key, **values)

    def number(self, value: float, decimals: int | None = None, grouping: bool = True) -> str:
        return format_number(value, self.lang, decimals, grouping)

    def money(self, amount: float, currency: str = "EUR") -> str:
        return format_money(amount, self.lang, currency)

    def date(self, value) -> str:
        return format_date(value, self.lang)

    def datetime(self, value) -> str:
        return format_datetime(value, self.lang)

    def clock(self, seconds: float | None, tenths: bool = False) -> str:
        return format_clock(seconds, self.lang, tenths)


@lru_cache(maxsize=None)
def catalog(lang: str | None = DEFAULT) -> Messages:
    """The messages of `lang` (unknown languages get English)."""
    return Messages(language(lang))


def missing_keys(lang: str) -> list[str]:
    """Keys of the English catalog that `lang`'s catalog lacks (empty for a complete catalog)."""
    reference = load_table(DEFAULT)
    table = load_table(lang)
    return sorted(k for k in reference if k not in table)


def catalog_problems(lang: str) -> list[str]:
    """Everything wrong with `lang`'s catalog against English: missing or extra keys, other placeholders, plural forms."""
    reference = load_table(DEFAULT)
    table = load_table(lang)
    if not table:
        return [f"no interface catalog simulator/locales/{lang}.yaml"]
    problems = [f"missing key {k}" for k in missing_keys(lang)]
    problems += [f"key {k} is not in en.yaml" for k in sorted(set(table) - set(reference))]
    for key in sorted(set(table) & set(reference)):
        ours, theirs = table[key], reference[key]
        if placeholders(ours) != placeholders(theirs):
            problems.append(f"{key}: placeholders {sorted(placeholders(ours))} differ from English {sorted(placeholders(theirs))}")
        if is_plural(ours):  # a translation may need plural forms where English needs none
            need = REQUIRED_FORMS.get(language(lang), {"other"})
            if not need <= set(ours):
                problems.append(f"{key}: needs the plural forms {sorted(need - set(ours))}")
        if isinstance(ours, str) and not ours.strip() and str(theirs).strip():
            problems.append(f"{key}: empty")
    return problems
