"""Tag a reply with rubric behaviours, each pointing at the exact words that earned it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import yaml

from . import __version__

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?;]+|\n")
GAP = 3  # how many words "..." in a cue may skip
TYPO_MIN = 5  # words shorter than this get no typo variants: too many real words collide


@dataclass(frozen=True)
class Tag:
    """One behaviour found in a reply: what, where (code-point offsets) and by which rule."""

    dimension: str
    polarity: int
    behaviour: str
    evidence: str
    start: int
    end: int
    rule: str

    def to_dict(self) -> dict:
        """The TAG shape of PRODUCT.md."""
        return asdict(self)

    @property
    def signed(self) -> str:
        """The dimension with its sign, as conditions name it: 'empathy+'."""
        return self.dimension + ("+" if self.polarity > 0 else "-")


@dataclass(frozen=True)
class Token:
    """A word of the reply: its span in the original text, folded form and sentence."""

    start: int
    end: int
    folded: str
    sentence: int


_fold_cache: dict[str, str] = {}


def fold(word: str) -> str:
    """Lower-case, drop apostrophes and diacritics: 'Don’t' -> 'dont', 'Jānis' -> 'janis'."""
    found = _fold_cache.get(word)
    if found is None:
        lowered = word.lower().replace("'", "").replace("’", "")
        if not lowered.isascii():
            lowered = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
        if len(_fold_cache) > 200_000:  # bounded: replies are free text
            _fold_cache.clear()
        _fold_cache[word] = found = lowered
    return found


def tokenize(text: str) -> list[Token]:
    """Split a reply into words with their offsets and sentence numbers."""
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    tokens = []
    sentence = 0
    for m in TOKEN.finditer(text):
        start = m.start()
        while sentence < len(ends) and ends[sentence] < start:
            sentence += 1
        tokens.append(Token(start, m.end(), fold(m.group()), sentence))
    return tokens


@dataclass(frozen=True)
class _Cue:
    parts: tuple[tuple[str, str], ...]  # ("k", key) | ("p", prefix) | ("g", "")
    behaviour: str
    rule: str
    negatable: bool


class Lexicon:
    """A compiled set of cue phrases: dictionaries keyed by stem, not regexes."""

    def __init__(self, stemmer_name: str | None, negators: Iterable[str] = ()):
        self._stemmer = _stemmer(stemmer_name) if stemmer_name else None
        self._stems: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._typos: dict[str, str] = {}
        self._by_key: dict[str, list[_Cue]] = {}
        self._by_prefix: dict[str, list[tuple[str, _Cue]]] = {}
        self._words: set[str] = set()
        self.negators = frozenset(fold(n) for n in negators)

    def stem(self, folded: str) -> str:
        found = self._stems.get(folded)
        if found is None:
            found = self._stemmer.stemWord(folded) if self._stemmer else folded
            if len(self._stems) > 200_000:
                self._stems.clear()
            self._stems[folded] = found
        return found

    def key(self, folded: str) -> str:
        """The dictionary key of a reply word: its stem, or the cue word a typo stands for."""
        found = self._keys.get(folded)
        if found is None:
            stem = self.stem(folded)
            found = stem if stem in self._by_key or folded in self._words else self._typos.get(folded, stem)
            if len(self._keys) > 200_000:
                self._keys.clear()
            self._keys[folded] = found
        return found

    def add(self, phrase: str, behaviour: str, rule: str, negatable: bool = True) -> None:
        parts: list[tuple[str, str]] = []
        for word in phrase.split():
            if word == "...":
                parts.append(("g", ""))
            elif word.endswith("*") and len(word) > 3:
                parts.append(("p", fold(word[:-1])))
            else:
                folded = fold(word)
                self._words.add(folded)
                parts.append(("k", self.stem(folded)))
        if not parts or parts[0][0] == "g":
            raise ValueError(f"cue {phrase!r} must start with a word")
        cue = _Cue(tuple(parts), behaviour, rule, negatable)
        kind, value = parts[0]
        if kind == "k":
            self._by_key.setdefault(value, []).append(cue)
        else:
            self._by_prefix.setdefault(value[:3], []).append((value, cue))

    def finish(self) -> None:
        """Precompute typo variants (one deletion, swap or doubled letter) of cue words."""
        keys = set(self._by_key)
        for cues in self._by_key.values():
            for cue in cues:
                for kind, value in cue.parts:
                    if kind == "k":
                        keys.add(value)
        for word in sorted(self._words):
            if len(word) < TYPO_MIN or not word.isalpha():
                continue
            target = self.stem(word)
            for variant in _typos(word):
                if variant not in self._words and self.stem(variant) not in keys:
                    self._typos.setdefault(variant, target)
        self._keys.clear()

    def match(self, tokens: list[Token]) -> list[tuple[_Cue, int, int]]:
        """Every cue found, as (cue, first token, token after the last)."""
        found = []
        keys = [self.key(t.folded) for t in tokens]
        for i, token in enumerate(tokens):
            candidates = self._by_key.get(keys[i], ())
            if self._by_prefix:
                extra = [cue for prefix, cue in self._by_prefix.get(token.folded[:3], ()) if token.folded.startswith(prefix)]
                if extra:
                    candidates = [*candidates, *extra]
            for cue in candidates:
                end = _match_parts(cue.parts, 0, tokens, keys, i, token.sentence)
                if end < 0:
                    continue
                if cue.negatable and self._negated(tokens, i):
                    continue
                found.append((cue, i, end))
        return found

    def _negated(self, tokens: list[Token], i: int) -> bool:
        sentence = tokens[i].sentence
        for j in range(max(0, i - 3), i):
            if tokens[j].sentence == sentence and tokens[j].folded in self.negators:
                return True
        return False


def _match_parts(parts, p: int, tokens: list[Token], keys: list[str], i: int, sentence: int) -> int:
    """Match cue parts from part p at token i; return the token index after the match or -1."""
    while p < len(parts):
        kind, value = parts[p]
        if kind == "g":
            for skip in range(GAP + 1):
                end = _match_parts(parts, p + 1, tokens, keys, i + skip, sentence)
                if end >= 0:
                    return end
            return -1
        if i >= len(tokens) or tokens[i].sentence != sentence:
            return -1
        if kind == "k" and keys[i] != value:
            return -1
        if kind == "p" and not tokens[i].folded.startswith(value):
            return -1
        i += 1
        p += 1
    return i


def _typos(word: str) -> set[str]:
    variants = set()
    for i in range(len(word)):
        variants.add(word[:i] + word[i + 1 :])
        variants.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word) and word[i] != word[i + 1]:
            variants.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    variants.discard(word)
    return variants


@lru_cache(maxsize=None)
def _stemmer(name: str):
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer(name)


class Tagger:
    """The rubric tagger for one language, built once from its cue file."""

    def __init__(self, language: str = "en"):
        spec = yaml.safe_load(resources.files("simulator.cues").joinpath(f"{language}.yaml").read_text("utf-8"))
        self.language = language
        self.version = f"{__version__}+{language}.{spec.get('version', 1)}"
        self.stemmer_name = spec.get("stemmer")
        self.lexicon = Lexicon(self.stemmer_name, spec.get("negators", ()))
        self.behaviours: dict[str, tuple[str, int]] = {"use_name": ("empathy", 1)}
        for name, body in spec["behaviours"].items():
            self.behaviours[name] = (body["dimension"], int(body["polarity"]))
            for phrase in body["cues"]:
                self.lexicon.add(phrase, name, f"{language}/{name}/{phrase}", body.get("negatable", True))
        self.lexicon.finish()
        self.question_starters = frozenset(fold(w) for w in spec.get("question_starters", ()))
        self.acronyms = frozenset(fold(w) for w in spec.get("acronyms", ()))

    def cue_lexicon(self, cues: dict[str, Iterable[str]]) -> Lexicon:
        """Compile a scenario's own cues with this language's stemmer and negators."""
        lexicon = Lexicon(self.stemmer_name, self.lexicon.negators)
        for cue_id, phrases in cues.items():
            for phrase in phrases:
                lexicon.add(phrase, cue_id, f"cue/{cue_id}/{phrase}")
        lexicon.finish()
        return lexicon

    def tag(self, text: str, names: Iterable[str] = ()) -> list[Tag]:
        """The tags of one reply; `names` are the customer's names, for `use_name`."""
        return self.analyse(text, names)[0]

    def analyse(self, text: str, names: Iterable[str] = (), cues: Lexicon | None = None) -> tuple[list[Tag], set[str]]:
        """Tags of a reply, and which scenario cues it matched."""
        tokens = tokenize(text)
        found: list[Tag] = []
        for cue, i, end in self.lexicon.match(tokens):
            dimension, polarity = self.behaviours[cue.behaviour]
            start, stop = tokens[i].start, tokens[end - 1].end
            found.append(Tag(dimension, polarity, cue.behaviour, text[start:stop], start, stop, cue.rule))
        found += self._questions(text, tokens)
        found += self._shouting(text, tokens)
        found += self._names(text, tokens, names)
        matched = {cue.behaviour for cue, _, _ in cues.match(tokens)} if cues else set()
        return _dedupe(found), matched

    def _questions(self, text: str, tokens: list[Token]) -> list[Tag]:
        """A sentence ending in '?' that starts like a question asks for facts."""
        first_of: dict[int, Token] = {}
        last_of: dict[int, Token] = {}
        for token in tokens:
            first_of.setdefault(token.sentence, token)
            last_of[token.sentence] = token
        tags = []
        for sentence, first in first_of.items():
            if first.folded not in self.question_starters:
                continue
            # No word stands between a sentence's last word and its ending, so the next ending is its own.
            m = SENTENCE_END.search(text, last_of[sentence].end)
            if m and "?" in m.group():
                start, stop = first.start, m.start() + 1
                tags.append(Tag("problem_solving", 1, "clarifying_question", text[start:stop], start, stop, f"{self.language}/clarifying_question/?"))
        return tags

    def _shouting(self, text: str, tokens: list[Token]) -> list[Tag]:
        """Runs of capitals: two or more words of six letters together, or one of five."""
        tags = []
        run: list[Token] = []
        for token in [*tokens, None]:
            word = text[token.start : token.end] if token else ""
            if token and len(word) >= 2 and word.isupper() and word.isalpha() and token.folded not in self.acronyms:
                run.append(token)
                continue
            letters = sum(t.end - t.start for t in run)
            if (len(run) >= 2 and letters >= 6) or (len(run) == 1 and letters >= 5):
                start, stop = run[0].start, run[-1].end
                tags.append(Tag("patience", -1, "shouting", text[start:stop], start, stop, f"{self.language}/shouting/capitals"))
            run = []
        return tags

    def _names(self, text: str, tokens: list[Token], names: Iterable[str]) -> list[Tag]:
        wanted = {fold(part) for name in names for part in TOKEN.findall(name)}
        for token in tokens:
            if token.folded in wanted:
                return [Tag("empathy", 1, "use_name", text[token.start : token.end], token.start, token.end, f"{self.language}/use_name")]
        return []


def _dedupe(tags: list[Tag]) -> list[Tag]:
    """Keep the longest of overlapping matches of the same behaviour."""
    tags.sort(key=lambda t: (t.behaviour, t.start, -t.end))
    kept: list[Tag] = []
    for tag in tags:
        if kept and kept[-1].behaviour == tag.behaviour and tag.start < kept[-1].end:
            continue
        kept.append(tag)
    kept.sort(key=lambda t: (t.start, t.end, t.behaviour))
    return kept


@lru_cache(maxsize=None)
def get_tagger(language: str = "en") -> Tagger:
    """The shared tagger for a language (built once per process)."""
    try:
        return Tagger(language)
    except FileNotFoundError:
        return Tagger("en")


def default_behaviours() -> frozenset[str]:
    """Behaviour ids conditions may name."""
    return frozenset(get_tagger("en").behaviours)
