"""Tag a reply with rubric behaviours, each pointing at the exact words that earned it."""

from __future__ import annotations

import copy
import re
import weakref
from bisect import bisect_right
from itertools import chain, compress, product
from operator import itemgetter
from functools import lru_cache
from typing import Iterable, NamedTuple

import ahocorasick

from . import __version__
from .text import fold  # one fold for matching and for search
from .yamlsource import load_packaged

WORD = re.compile(r"[\w'’]+")  # the cheapest pattern that keeps "don't" whole; quotes are trimmed from evidence
QUOTES = "'’"
BREAK = re.compile(r"[!?;\n]|\.(?!\d)")  # what ends a sentence (not the point in 9.95): a cue never spans one
# What ends a negation's reach: "Oh no, I'm sorry" apologises; "I can't promise, but I will send" offers.
NEGATION_PUNCTUATION = r"[,:!?;\n–—]|\s-\s|\.(?!\d)"  # plus each language's "but" and "however" (negation_breaks in its cue file)
_QUOTE = re.compile('["“‘«„]').search
QUOTED = re.compile(r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|‘[^’\n]{1,300}’|«[^»\n]{1,300}»|„[^“”\n]{1,300}[“”]')
NEGATION_REACH = 5  # words: "not able to refund the delivery fee" is still a refusal
GAP = 3  # how many words "..." in a cue may skip
TYPO_MIN = 5  # words shorter than this get no typo variants: too many real words collide
# The version of the rules in code (here and in context.py): bump it when they change what is tagged, so the
# stored tagger_version says which rules made a tag and `rolesim retag` knows a session is out of date.
RULES = 5
REPEATS = 3  # tags kept of one behaviour on the same words in a reply: more say nothing new to a reviewer
UNMARKED_WORDS = 8  # a question typed without "?" is short: longer ones are statements ("When it ships, …")


class Tag(NamedTuple):
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
        return self._asdict()

    @classmethod
    def of(cls, row) -> "Tag":
        """A tag from a stored row (or any mapping with these fields, and maybe more)."""
        return cls(*(row[f] for f in cls._fields))

    @property
    def signed(self) -> str:
        """The dimension with its sign, as conditions name it: 'empathy+'."""
        return self.dimension + ("+" if self.polarity > 0 else "-")




class _Cue(NamedTuple):
    parts: tuple[tuple[str, str], ...]  # ("k", key) | ("p", prefix) | ("g", "")
    size: int  # len(parts), kept: the matcher asks often
    behaviour: str  # or a scenario's cue id
    makes: tuple[str, int] | None  # the tag's (dimension, polarity); None: a scenario cue, only reported as matched
    rule: str
    negatable: bool
    anchored: bool = False  # "^ so you": only at the start of a sentence or clause
    order: int = 0  # as authored: of two cues of a behaviour on the same words, the first written names the rule
    slips: int = 0  # whose slips ("sory") it accepts: LANGUAGE's, SCENARIO's, or none (cues against a candidate)


class _Word(NamedTuple):
    """What the lexicon knows of one written word, computed once and cached."""

    text: str  # as written
    folded: str
    key: str
    starts: tuple[_Cue, ...]  # cues whose first part is a prefix this word starts with ("refund*")
    shout: bool  # written in capitals, and not an acronym
    slip: int  # 0, or whose cue word this is a slip of ("undrestand": LANGUAGE's), keyed as that word
    code: str  # one character standing for the key (and whether a slip) in the automaton's alphabet; FILLER: no cue's


LANGUAGE, SCENARIO = 1, 2  # where a cue, and so a slip of its words, comes from
MAX_RUN = 4  # leading words of a cue entered in the automaton: each that may be slipped doubles its entries
FILLER = "\u3000"  # the code of a word no cue names; codes of keys follow it, all in one plane (see Lexicon.finish)


class Lexicon:
    """A compiled set of cue phrases: words looked up by stem in dictionaries, phrases found by one automaton."""

    def __init__(self, stemmer_name: str | None, negators: Iterable[str] = (), contractions: dict[str, str] | None = None, acronyms: Iterable[str] = (), letters: dict[str, str] | None = None):
        self._stemmer = _stemmer(stemmer_name) if stemmer_name else None
        # Letters a US keyboard lacks and people spell out ("ae" for "æ"): folded the same way in cues and replies.
        self._letters = str.maketrans(dict(letters)) if letters else None
        fold = self.fold
        self._stems: dict[str, str] = {}
        self._origin = LANGUAGE  # what `add` compiles: an extended copy adds a SCENARIO's cues
        self._words: set[str] = set()  # folded cue words, never treated as typos
        self._keys: set[str] = set()  # every key a cue part names
        self._typos: dict[str, tuple[str, int]] = {}  # slip -> (the key of the word it slips, whose word that is)
        self._codes: dict[str, str] = {}  # key -> its one-character code
        # (key, whose slip) -> the code of a slip of it, which only cues with slips of that origin accept:
        # a scenario's slips never reach the language's cues, nor the language's a scenario's.
        self._slip_codes: dict[tuple[str, int], str] = {}
        self._slips_by_stem: dict[str, tuple[str, ...]] = {}  # the slips in _typos by their own stem
        # The automaton's entries: the codes of a cue's leading key words, right or slipped -> (cue, how many words).
        self._entries: dict[str, tuple[tuple[_Cue, int], ...]] = {}
        self._prefixed: list[tuple[str, _Cue]] = []  # first word a prefix
        self._prefixes: tuple[str, ...] = ()
        self._automaton = None
        self._cues = 0
        self._info: dict[str, _Word] = {}
        self._chunks = _Chunks(self)
        # What `add` compiled since the last `finish`.
        self._pending: list[tuple[_Cue, int]] = []
        self._new_words: set[str] = set()
        self._new_keys: set[str] = set()
        self._new_typo_words: set[str] = set()
        self.negators = frozenset(fold(n) for n in negators)
        self.acronyms = frozenset(fold(a) for a in acronyms)
        self._contractions = [(tuple(fold(w) for w in long.split()), fold(short)) for long, short in (contractions or {}).items()]

    def fold(self, word: str) -> str:
        """`fold`, after spelling out this language's letters ('hjælpe' -> 'hjaelpe')."""
        return fold(word.lower().translate(self._letters)) if self._letters else fold(word)

    def stem(self, folded: str) -> str:
        found = self._stems.get(folded)
        if found is None:
            found = self._stemmer.stemWord(folded) if self._stemmer else folded
            if len(self._stems) > 200_000:  # bounded: replies are free text
                self._stems.clear()
            self._stems[folded] = found
        return found

    def extended(self, acronyms: Iterable[str] = ()) -> Lexicon:
        """A copy to add a scenario's cues and names to, so a reply is looked up once; `acronyms` are not shouting.

        The language's compiled cues are copied, not compiled again (a few milliseconds a session, not 70);
        the stems cache is shared."""
        other = copy.copy(self)
        other._origin = SCENARIO
        other._words, other._keys = set(self._words), set(self._keys)
        other._typos, other._codes, other._slip_codes = dict(self._typos), dict(self._codes), dict(self._slip_codes)
        other._slips_by_stem, other._entries, other._prefixed = dict(self._slips_by_stem), dict(self._entries), list(self._prefixed)
        other._info, other._chunks = {}, _Chunks(other)
        other._pending, other._new_words, other._new_keys, other._new_typo_words = [], set(), set(), set()
        other.acronyms = self.acronyms | {self.fold(a) for a in acronyms}
        return other

    def add(self, phrase: str, behaviour: str, rule: str, negatable: bool = True, typos: bool = True, makes: tuple[str, int] | None = None) -> None:
        """Compile one cue phrase (and its contracted or expanded spellings); `typos`: also its words' one-slip variants;
        `makes`: the (dimension, polarity) of the tag it makes (None: a scenario cue, reported as matched)."""
        # Cue words are split like replies are, so "re-send" and "9.95" match what candidates type.
        anchored = phrase.startswith("^ ")
        if anchored:
            phrase = phrase[2:]
        words = [part for chunk in phrase.split() for part in ([chunk] if chunk == "..." or chunk.endswith("*") else WORD.findall(chunk))]
        if not words or words[0] == "...":
            raise ValueError(f"cue {phrase!r} must start with a word")
        for variant in self._spellings([w if w == "..." or w.endswith("*") else self.fold(w) for w in words]):
            parts = tuple(self._part(w) for w in variant)
            if typos:
                self._new_typo_words.update(w for w in variant if w != "..." and not w.endswith("*"))
            self._add(_Cue(parts, len(parts), behaviour, makes, rule, negatable, anchored, self._cues, self._origin if typos else 0))
            self._cues += 1

    def _spellings(self, words: list[str]) -> list[list[str]]:
        """The cue as written, plus "you are" <-> "youre" and the like, so both spellings match."""
        variants = [words]
        for long, short in self._contractions:
            n = len(long)
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) == long:
                    variants.append(words[:i] + [short] + words[i + n :])
            if short in words:
                i = words.index(short)
                variants.append(words[:i] + list(long) + words[i + 1 :])
        return variants

    def _part(self, word: str) -> tuple[str, str]:
        if word == "...":
            return ("g", "")
        if word.endswith("*") and len(word) > 3:
            return ("p", self.fold(word[:-1]))
        self._new_words.add(word)
        self._words.add(word)
        key = self.stem(word)
        self._new_keys.add(key)
        self._keys.add(key)
        if key not in self._codes:
            self._codes[key] = self._new_code()
        return ("k", key)

    def _new_code(self) -> str:
        return chr(ord(FILLER) + 1 + len(self._codes) + len(self._slip_codes))

    def _add(self, cue: _Cue) -> None:
        """Queue a compiled cue for the automaton (or the prefix list) that `finish` builds."""
        if cue.parts[0][0] == "p":
            self._prefixed.append((cue.parts[0][1], cue))
            return
        n = 0
        while n < min(cue.size, MAX_RUN) and cue.parts[n][0] == "k":
            n += 1
        self._pending.append((cue, n))

    def finish(self) -> None:
        """Build the automaton over cue codes; precompute typo variants (one deletion, swap or doubled letter) of cue words."""
        self._typos_of_new_words()
        for slipped in sorted(set(self._typos.values())):
            if slipped not in self._slip_codes:
                self._slip_codes[slipped] = self._new_code()
        # A cue that forgives slips is entered once for each way its leading words can be written: right or
        # slipped (at most 2 ** MAX_RUN ways; later words are checked one by one).
        for cue, n in self._pending:
            ways = [(self._codes[k], self._slip_codes[k, cue.slips]) if (k, cue.slips) in self._slip_codes else (self._codes[k],) for _, k in cue.parts[:n]]
            for codes in map("".join, product(*ways)):
                self._entries[codes] = self._entries.get(codes, ()) + ((cue, n),)
        # Aho-Corasick (pyahocorasick, in C) finds every cue's leading words in one pass over a reply's codes,
        # where a Python loop would visit every word that starts some cue ("you", "i", "to": eleven a reply).
        self._prefixes = tuple({prefix for prefix, _ in self._prefixed})  # one C-level test before the loop over them
        self._automaton = None
        if self._entries:
            self._automaton = ahocorasick.Automaton()
            for codes, cues in self._entries.items():
                self._automaton.add_word(codes, cues)
            self._automaton.make_automaton()
        self._pending, self._new_words, self._new_keys = [], set(), set()
        self._info.clear()
        self._chunks.clear()

    def _typos_of_new_words(self) -> None:
        """Slips of the cue words added since the last `finish`."""
        # A slip of one cue word that is another cue word (or its stem) is that word, not a slip: when cues are
        # added to a language's, its slips are checked against the new words too.
        for word in self._new_words:
            self._typos.pop(word, None)
        for key in self._new_keys:
            for variant in self._slips_by_stem.get(key, ()):
                self._typos.pop(variant, None)
        for word in sorted(self._new_typo_words):
            if len(word) < TYPO_MIN or not word.isalpha():
                continue
            target = self.stem(word)
            for variant in _typos(word):
                stem = self.stem(variant)
                # The first to claim a slip keeps it: the language's, before any scenario's.
                if variant not in self._words and stem not in self._keys and variant not in self._typos:
                    self._typos[variant] = (target, self._origin)
                    self._slips_by_stem[stem] = self._slips_by_stem.get(stem, ()) + (variant,)
        self._new_typo_words = set()

    def word(self, written: str) -> _Word:
        """Fold, stem and look up a written word once; later calls are one dict lookup."""
        found = self._info.get(written)
        if found is None:
            folded = self.fold(written)
            stem = self.stem(folded)
            slipped = None if stem in self._keys or folded in self._words else self._typos.get(folded)
            key, slip = slipped or (stem, 0)
            starts = tuple(cue for prefix, cue in self._prefixed if folded.startswith(prefix)) if folded.startswith(self._prefixes) else ()
            if len(self._info) > 200_000:
                self._info.clear()
            shout = len(folded) >= 2 and written.isupper() and folded.isalpha() and folded not in self.acronyms
            code = self._slip_codes[slipped] if slipped else self._codes.get(key, FILLER)
            self._info[written] = found = _Word(written, folded, key, starts, shout, slip, code)
        return found

    def words(self, text: str) -> list[_Word]:
        """The words of a reply, looked up by the whitespace-separated chunks they come in: this is the hottest line."""
        # A chunk ("sorry," "you?") recurs as a word does, so one dict lookup per chunk replaces the regex over the
        # whole reply; a chunk not seen before is split into words once (see _Chunks).
        return list(chain.from_iterable(map(self._chunks.__getitem__, text.split())))

    def match(self, words: list[_Word]) -> list[tuple[_Cue, int, int]]:
        """Every cue found, as (cue, first word, word after the last); sentences are checked later."""
        found = []
        if self._automaton is not None:
            # The automaton reports each cue's leading key words where they end; the rest (a gap "...",
            # a prefix "refund*") is checked word by word from there.
            for last, cues in self._automaton.iter("".join(map(_CODE, words))):
                for cue, n in cues:
                    end = last + 1 if cue.size == n else _match_parts(cue, n, words, last + 1)
                    if end >= 0:
                        found.append((cue, last + 1 - n, end))
        if self._prefixed and any(map(_STARTS, words)):
            for i in compress(range(len(words)), map(_STARTS, words)):
                for cue in words[i].starts:
                    end = i + 1 if cue.size == 1 else _match_parts(cue, 1, words, i + 1)
                    if end >= 0:
                        found.append((cue, i, end))
        if len(found) > 1:
            found.sort(key=_AUTHORED)  # by where they start, then as authored: the same order whatever found them
        return found


class _Chunks(dict):
    """A lexicon's whitespace-separated chunks of text, each with the words in it, computed on first sight."""

    def __init__(self, lexicon: Lexicon):
        super().__init__()
        self.word = weakref.WeakMethod(lexicon.word)  # weak: a session's lexicon is freed with its last reference

    def __missing__(self, chunk: str) -> tuple[_Word, ...]:
        if len(self) > 200_000:  # bounded: replies are free text
            self.clear()
        self[chunk] = words = tuple(map(self.word(), WORD.findall(chunk)))
        return words


_AUTHORED = lambda hit: (hit[1], hit[0].order)  # noqa: E731
_TEXT, _FOLDED, _STARTS, _SHOUT, _CODE = (itemgetter(_Word._fields.index(f)) for f in ("text", "folded", "starts", "shout", "code"))  # read at C speed


class _Spans:
    """Word offsets, found on demand: most replies only ever need the first few."""

    __slots__ = ("text", "words", "done", "pos")

    def __init__(self, text: str, words: list[_Word]):
        self.text = text
        self.words = words
        self.done: list[tuple[int, int]] = []
        self.pos = 0

    def __getitem__(self, i: int) -> tuple[int, int]:
        if i >= len(self.done):
            self._extend(i + 1)
        return self.done[i]

    def __len__(self) -> int:
        return len(self.words)

    def all(self) -> list[tuple[int, int]]:
        self._extend(len(self.words))
        return self.done

    def _extend(self, n: int) -> None:
        # WORD.findall gave these words in order, and no word starts inside a gap it skipped.
        find = self.text.find
        pos = self.pos
        done = self.done
        for w in map(_TEXT, self.words[len(done) : n]):
            start = find(w, pos)
            pos = start + len(w)
            done.append((start, pos))
        self.pos = pos


def _trim(text: str, start: int, stop: int) -> tuple[int, int]:
    """Leave quotes around a word out of its evidence: 'sorry' -> sorry."""
    while start < stop and text[start] in QUOTES:
        start += 1
    while stop > start and text[stop - 1] in QUOTES:
        stop -= 1
    return start, stop


def _match_parts(cue: _Cue, p: int, words: list[_Word], i: int) -> int:
    """Match a cue's parts from part p at word i; return the index after the match or -1."""
    parts = cue.parts
    n = len(words)
    while p < len(parts):
        kind, value = parts[p]
        if kind == "g":
            for skip in range(GAP + 1):
                end = _match_parts(cue, p + 1, words, i + skip)
                if end >= 0:
                    return end
            return -1
        if i >= n:
            return -1
        if kind == "k":
            if words[i].key != value or (words[i].slip and words[i].slip != cue.slips):
                return -1
        elif not words[i].folded.startswith(value):
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
    if name == "latvian":  # Snowball has none: a light suffix stripper does
        return LatvianStemmer()
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer(name)


class LatvianStemmer:
    """A light Latvian stemmer: strips one case or verb ending from a folded word ('atvainojos' -> 'atvainoj')."""

    # Endings with their diacritics already folded away (ā -> a), longest first; reflexive verb forms included.
    ENDINGS = tuple(sorted(
        "ajiem ajam ajai ajos ajas amies aties ieties esiet esim ties sies siet sim iem aja ais ies ams ati ai ei am em im um us as es os is ij ie at it ot et u a i e o s".split(),
        key=len, reverse=True,
    ))
    MIN_STEM = 3

    def stemWord(self, word: str) -> str:  # noqa: N802 - PyStemmer's name, so both kinds are used alike
        for ending in self.ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= self.MIN_STEM:
                return word[: -len(ending)]
        return word


class Tagger:
    """The rubric tagger for one language, built once from its cue file."""

    def __init__(self, language: str = "en"):
        spec = _cue_spec(language)
        self.language = language
        self.version = tagger_version(language)
        contractions = {str(k): str(v) for k, v in (spec.get("contractions") or {}).items()}
        letters = {str(k): str(v) for k, v in (spec.get("letters") or {}).items()}
        acronyms = [str(w) for w in spec.get("acronyms", ())]
        self.lexicon = Lexicon(spec.get("stemmer"), map(str, spec.get("negators", ())), contractions, acronyms, letters)
        # `tag(text, names)`: each set of names compiled once into a copy of the language's lexicon (a few kept).
        self._lexicon_for = lru_cache(maxsize=16)(lambda names: self.cue_lexicon({}, names=names))
        for name, body in spec["behaviours"].items():
            makes = (body["dimension"], int(body["polarity"]))
            for phrase in body["cues"]:
                # Slips are forgiven in what counts for a candidate, not against: "passer" is no typo of an insult.
                self.lexicon.add(str(phrase), name, f"{language}/{name}/{phrase}", body.get("negatable", True), typos=makes[1] > 0, makes=makes)
        self.lexicon.finish()
        self.question_starters = frozenset(self.lexicon.fold(str(w)) for w in spec.get("question_starters", ()))
        breaks = [re.escape(str(w)) for w in spec.get("negation_breaks", ())]
        # A comma before "that" carries the negation on (Latvian "nevaru apsolīt, ka ..."): listed per language.
        carries = [re.escape(str(w)) for w in spec.get("negation_carries", ())]
        punctuation = NEGATION_PUNCTUATION.replace("[,", r"(?:,(?!\s*(?:" + "|".join(carries) + r")\b))|[") if carries else NEGATION_PUNCTUATION
        self.negation_break = re.compile(punctuation + (r"|\b(?:" + "|".join(breaks) + r")\b" if breaks else ""), re.IGNORECASE)
        self.negation_after = int(spec.get("negation_after", 0))
        # The point after an abbreviation ("el. paštu", "Nr.", "pvz.") does not end a sentence.
        # The lookbehinds follow the point, so they are tried at points only, not at every character.
        skip = "".join(f"(?<!\\b{re.escape(str(a))}\\.)" for a in spec.get("abbreviations", ()))
        self.sentence_break = re.compile(r"[!?;\n]|\." + skip + r"(?!\d)", re.IGNORECASE) if skip else BREAK
        self.wh_words = frozenset(self.lexicon.fold(str(w)) for w in spec.get("wh_words", ()))
        self.wh_exclamations = frozenset(self.lexicon.fold(str(w)) for w in spec.get("wh_exclamations", ()))
        # Words too common to show a reply is about the customer's question.
        # Folded letter for letter (å -> a), as the context rules fold the customer's question and the reply.
        self.stopwords = frozenset(fold(str(w)) for key in ("question_starters", "negators", "stopwords") for w in spec.get(key, ()))
        address = spec.get("address") or {}
        # Capitalised forms ("De" in Danish) count only as written and not first in a sentence; others in any case.
        self._address = {
            register: (frozenset(str(w) for w in address.get(register, ()) if str(w)[:1].isupper()),
                       frozenset(self.lexicon.fold(str(w)) for w in address.get(register, ()) if not str(w)[:1].isupper()))
            for register in ("formal", "informal")
        }

    def register(self, text: str) -> tuple[str, int, int] | None:
        """How the reply addresses the customer: ('formal' | 'informal', start, end) of the first such word, or None.

        A formal pronoun anywhere wins: a word that only looks informal ("pārbaudi", a check) beside "Jums"
        is no switch to "tu".
        """
        if not any(self._address["formal"]) and not any(self._address["informal"]):
            return None
        found: dict[str, tuple[str, int, int]] = {}
        for m in WORD.finditer(text):
            word = m.group()
            for register in ("formal", "informal"):
                exact, folded = self._address[register]
                if register not in found and (word in exact and not _sentence_start(text, m.start()) or self.lexicon.fold(word) in folded):
                    found[register] = (register, m.start(), m.end())
        return found.get("formal") or found.get("informal")

    def cue_lexicon(self, cues: dict[str, Iterable[str]], behaviours: dict | None = None, names: Iterable[str] = (), acronyms: Iterable[str] = ()) -> Lexicon:
        """Compile a scenario's own cues and behaviours (and the customer's names) with this language's stemmer and negators;
        `acronyms` are the scenario's own capitals ("ELECTRO SHOP"), which are not shouting."""
        lexicon = self.lexicon.extended(acronyms)  # the language's cues too: a reply is looked up once
        parts = {part for name in names for part in WORD.findall(name) if len(part) >= 2}
        for part in sorted(parts):  # "Mrta" is a slip, not the name
            lexicon.add(part, "use_name", f"{self.language}/use_name", negatable=False, typos=False, makes=("empathy", 1))
        for cue_id, phrases in cues.items():
            for phrase in phrases:
                lexicon.add(phrase, cue_id, f"cue/{cue_id}/{phrase}")
        for name, behaviour in (behaviours or {}).items():
            for phrase in behaviour.cues:  # slips forgiven only in what counts for the candidate, as in the language's
                lexicon.add(phrase, name, f"scenario/{name}/{phrase}", typos=behaviour.polarity > 0, makes=(behaviour.dimension, behaviour.polarity))
        lexicon.finish()
        return lexicon

    def tag(self, text: str, names: Iterable[str] = ()) -> list[Tag]:
        """The tags of one reply; `names` are the customer's names, for `use_name` (looked up as a session's are)."""
        names = tuple(names)
        return self.analyse(text, self._lexicon_for(names) if names else None)[0]

    def analyse(self, text: str, cues: Lexicon | None = None) -> tuple[list[Tag], set[str]]:
        """Tags of a reply, and which scenario cues it matched; `cues`: this language's lexicon extended with a
        scenario's cues, behaviours and names (`cue_lexicon`)."""
        lexicon = cues or self.lexicon
        words = lexicon.words(text)
        found = lexicon.match(words)
        capitals = any(map(_SHOUT, words))
        # No full stop, and a short last sentence starting with what/when/…: possibly a question typed without its mark.
        open_end = bool(self.wh_words) and text[-1:].isalnum() and 2 < len(words) and self._unmarked_candidate(text)
        if not (found or capitals or open_end or "?" in text):
            return [], set()
        spans = _Spans(text, words)  # offsets only as far as something needs them
        tags: list[Tag] = []
        matched = set()
        for cue, i, end in found:
            if self._accepted(text, words, spans, cue, i, end, lexicon.negators):
                if cue.makes is None:
                    matched.add(cue.behaviour)
                    continue
                start, stop = _trim(text, spans[i][0], spans[end - 1][1])
                tags.append(Tag(*cue.makes, cue.behaviour, text[start:stop], start, stop, cue.rule))
        asked = self._questions(text) if "?" in text else self._unmarked_question(text, words, spans) if open_end else []
        if asked:
            # "What is your order number?" asks; its "your order" gives no information.
            tags = [t for t in tags if t.behaviour != "give_information" or not any(q.start <= t.start and t.end <= q.end for q in asked)] + asked
        if capitals:
            tags += self._shouting(text, words, spans)
        if _QUOTE(text):
            tags = _unquoted(text, tags)
        if len(tags) > 1:
            tags = _dedupe(tags)
            if len(tags) > REPEATS:
                tags = _first_repeats(tags)
        return tags, matched

    def _accepted(self, text: str, words: list[_Word], spans: list[tuple[int, int]], cue: _Cue, i: int, end: int, negators: frozenset) -> bool:
        """A match holds when it stays in one sentence and, if negatable, no negator shortly precedes it
        (or, in languages that put "not" after the verb, "jeg lover ikke", directly follows it)."""
        # Each window ends one character into the next word (never a break) so "9.95" can look ahead.
        if end - i > 1 and self.sentence_break.search(text, spans[i][1], spans[end - 1][0] + 1):
            return False
        if cue.anchored and not _clause_start(text, spans[i][0], commas=False):
            return False
        # Most cues have no negator near: looked for among the words first, at C speed, before any offsets.
        if cue.negatable and not negators.isdisjoint(map(_FOLDED, words[max(0, i - NEGATION_REACH) : end + self.negation_after])):
            for j in range(max(0, i - NEGATION_REACH), i):
                if words[j].folded in negators and not self.negation_break.search(text, spans[j][1], spans[i][0] + 1):
                    return False
            for j in range(end, min(len(words), end + self.negation_after)):
                if words[j].folded in negators and not self.negation_break.search(text, spans[end - 1][1], spans[j][0] + 1):
                    return False
        return True

    def _questions(self, text: str) -> list[Tag]:
        """A sentence ending in '?' that starts like a question asks for facts."""
        tags = []
        breaks = [m.start() for m in self.sentence_break.finditer(text)]  # once: a reply of many "?" stays linear
        word = self.lexicon.word
        q = text.find("?")
        while q >= 0:
            if q == 0 or text[q - 1] != "?":
                k = bisect_right(breaks, q - 1) - 1
                # The question may be a later clause: "Sounds like a neighbour took it - did you get a card?"
                for n, m in enumerate(WORD.finditer(text, breaks[k] + 1 if k >= 0 else 0, q)):
                    if word(m.group()).folded in self.question_starters and (n == 0 or _clause_start(text, m.start())):
                        start = m.start()
                        tags.append(Tag("problem_solving", 1, "clarifying_question", text[start : q + 1], start, q + 1, f"{self.language}/clarifying_question/?"))
                        break
            q = text.find("?", q + 1)
        return tags

    def _unmarked_candidate(self, text: str) -> bool:
        """A cheap look at the last sentence's first word, before any offsets are worked out."""
        tail = text[-200:]
        cut = max(tail.rfind("."), tail.rfind("!"), tail.rfind("?"), tail.rfind(";"), tail.rfind("\n"))
        first = WORD.search(tail, cut + 1)
        return first is not None and self.lexicon.fold(first.group()) in self.wh_words

    def _unmarked_question(self, text: str, words: list[_Word], spans: _Spans) -> list[Tag]:
        """Chat often drops the '?': a last sentence starting with a wh-word asks all the same ("what's the order number")."""
        boundary = max((m.start() for m in self.sentence_break.finditer(text)), default=-1)
        spans = spans.all()
        k = bisect_right([s for s, _ in spans], boundary)
        if k >= len(spans) - 1 or words[k].folded not in self.wh_words or words[k + 1].folded in self.wh_exclamations:
            return []
        if len(spans) - k > UNMARKED_WORDS or "," in text[spans[k][0] :]:
            return []  # "When the new set ships you will get an email" is a statement, not a question
        start, end = spans[k][0], spans[-1][1]
        return [Tag("problem_solving", 1, "clarifying_question", text[start:end], start, end, f"{self.language}/clarifying_question/unmarked")]

    def _shouting(self, text: str, words: list[_Word], spans: list[tuple[int, int]]) -> list[Tag]:
        """Runs of capitals: two or more words of six letters together, or one of five."""
        tags = []
        run: list[int] = []
        for i in range(len(spans) + 1):
            if i < len(spans) and words[i].shout:
                run.append(i)
                continue
            letters = sum(len(words[j].folded) for j in run)
            if (len(run) >= 2 and letters >= 6) or (len(run) == 1 and letters >= 5):
                start, stop = spans[run[0]][0], spans[run[-1]][1]
                tags.append(Tag("patience", -1, "shouting", text[start:stop], start, stop, f"{self.language}/shouting/capitals"))
            run = []
        return tags


def _clause_start(text: str, i: int, commas: bool = True) -> bool:
    """Whether only spaces or quotes lie between position i and the start of its sentence or clause
    (a comma starts a clause only if `commas`: "…, so you can track it" is no restatement)."""
    before = text[max(0, i - 40) : i].rstrip(" \t\"'“‘")
    return not before or before[-1] in (".!?\n:;,-–—(" if commas else ".!?\n:;-–—(")


def _sentence_start(text: str, i: int) -> bool:
    """Whether only spaces lie between position i and the start of its sentence."""
    before = text[:i].rstrip()
    return not before or before[-1] in ".!?\n:"


def _unquoted(text: str, tags: list[Tag]) -> list[Tag]:
    """Rudeness inside quotation marks is the customer's word quoted back ("you said it was 'useless'")."""
    quotes = [m.span() for m in QUOTED.finditer(text)]
    return [t for t in tags if t.polarity > 0 or not any(a <= t.start and t.end <= b for a, b in quotes)]


def _first_repeats(tags: list[Tag]) -> list[Tag]:
    """At most REPEATS tags of one behaviour on the same words: "sorry" pasted 300 times is three tags, not 300."""
    seen: dict[tuple[str, str], int] = {}
    kept = []
    for tag in tags:
        key = (tag.behaviour, tag.evidence.lower())
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= REPEATS:
            kept.append(tag)
    return kept


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


@lru_cache(maxsize=None)
def _cue_spec(language: str) -> dict:
    return load_packaged("simulator.cues", f"{language}.yaml")


def tagger_version(language: str = "en") -> str:
    """The version stored with every tag: the app's and the cue file's, without building a tagger."""
    try:
        spec = _cue_spec(language)
    except FileNotFoundError:
        language, spec = "en", _cue_spec("en")
    return f"{__version__}+{language}.{spec.get('version', 1)}.r{RULES}"


@lru_cache(maxsize=None)
def default_behaviours() -> frozenset[str]:
    """Behaviour ids conditions may name (read from the cue file; no tagger is built)."""
    return frozenset(_cue_spec("en")["behaviours"]) | {"use_name"}
