"""Tags the words alone cannot give: the scenario's facts, the customer's last message and the session so far."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from .tagger import WORD, Tag, fold

NUMBER = re.compile(r"\d[\d.,]*\d|\d")  # "48213", "349.00", "9,95"
_HAS_DIGIT = re.compile(r"\d").search
_WORDISH = re.compile(r"[\w'’]").match
# Fact keys that identify the customer's case; other facts are what the agent should know (product knowledge).
IDENTIFIERS = frozenset({"name", "number", "nr", "no", "address", "date", "day", "id", "email", "phone", "postcode", "code", "account", "contract", "iban", "reference", "ref"})
PROBLEM_SOLVING = frozenset({"clarifying_question", "propose_solution", "next_steps", "give_information"})
MIN_NAME = 4  # shorter names collide with ordinary words at one edit
STOP = 4  # question words shorter than this ("the", "you", "is") say nothing about the topic


@dataclass(frozen=True)
class Fact:
    """A scenario fact the candidate may repeat: its digits or its words, and whether it identifies the case."""

    key: str
    value: str
    digits: str  # "48213", "34900"; empty for facts with no number
    words: frozenset[str]  # folded words of a name-like fact
    identifier: bool


def facts_of(facts: dict[str, str], names: Iterable[str] = (), fold: Callable[[str], str] = fold) -> list[Fact]:
    """The checkable facts of a scenario (numbers and the customer's names), names folded as the language folds them."""
    found = []
    for key, value in facts.items():
        value = str(value)
        identifier = bool(IDENTIFIERS.intersection(re.split(r"[_\W]+", key.lower())))
        for number in NUMBER.findall(value):
            digits = _digits(number)
            if len(digits) >= 3:
                found.append(Fact(key, value, digits, frozenset(), identifier))
        if key.endswith("name"):
            found.append(Fact(key, value, "", frozenset(fold(w) for w in WORD.findall(value) if len(w) >= MIN_NAME), True))
    for name in names:
        found.append(Fact("customer_name", name, "", frozenset(fold(w) for w in WORD.findall(name) if len(w) >= MIN_NAME), True))
    return found


def _digits(number: str) -> str:
    """Digits of a number with a trailing ".00" dropped: "€349.00" and "349" are the same amount."""
    digits = re.sub(r"[.,]00$", "", number)
    return re.sub(r"\D", "", digits)


def _near(a: str, b: str) -> bool:
    """One slip apart (a letter or digit dropped, added, changed, or two swapped): a typo'd fact, not another word."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    return _distance(a, b) <= 1


def _near_number(a: str, b: str) -> bool:
    """A mistyped identifier: as long as it, at least four digits, one slip apart ("48231" for "48213")."""
    return len(a) == len(b) >= 4 and _near(a, b)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein with adjacent swaps)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


class FactCheck:
    """A session's facts compiled once: numbers by their digits, names by their words, stems and initials."""

    def __init__(self, facts: Sequence[Fact], stem: Callable[[str], str] = str, fold: Callable[[str], str] = fold):
        self.fold = fold
        self.numbered = [f for f in facts if f.digits]
        self.by_digits = {}
        for f in self.numbered:
            self.by_digits.setdefault(f.digits, f)
        self.wanted = set().union(*(f.words for f in facts if f.words)) if any(f.words for f in facts) else set()
        self.stem = stem
        self.stems = {stem(w) for w in self.wanted}
        # Only capitalised words starting like a name are looked at: one regex pass, not a loop over every word.
        # The initials come first, so the regex skips to them at C speed; that a word starts there is checked after.
        initials = {c for w in self.wanted for c in (w[0].upper(),)}
        initials |= {c for f in facts if f.words for part in WORD.findall(f.value) if len(part) >= MIN_NAME for c in (part[0].upper(),)}
        self.candidates = re.compile(r"[" + re.escape("".join(sorted(initials))) + r"][\w'’]{%d,}" % (MIN_NAME - 1)) if initials else None

    def tags(self, text: str) -> list[Tag]:
        """Facts repeated right are attention to detail (and product knowledge); a near miss counts against."""
        tags: list[Tag] = []
        if self.numbered and _HAS_DIGIT(text):
            for m in NUMBER.finditer(text):
                digits = _digits(m.group())
                if len(digits) < 3:
                    continue
                right = self.by_digits.get(digits)
                if right:
                    tags.append(Tag("attention_to_detail", 1, "correct_fact", m.group(), m.start(), m.end(), f"context/fact/{right.key}"))
                    if not right.identifier:
                        tags.append(Tag("product_knowledge", 1, "uses_knowledge", m.group(), m.start(), m.end(), f"context/knowledge/{right.key}"))
                    continue
                # Only identifiers can be mistyped; an amount or a date near another is usually just another number.
                wrong = next((f for f in self.numbered if f.identifier and _near_number(digits, f.digits)), None)
                if wrong:
                    tags.append(Tag("attention_to_detail", -1, "wrong_fact", m.group(), m.start(), m.end(), f"context/fact/{wrong.key}"))
        if self.candidates is not None:
            for m in self.candidates.finditer(text):
                if m.start() and _WORDISH(text[m.start() - 1]):
                    continue  # inside a word: "McMarta" names no one
                word = m.group().rstrip("'’")
                folded = self.fold(word)
                if folded in self.wanted or self.stem(folded) in self.stems:  # "Jāni", "Jānim": Jānis inflected, not misspelled
                    tags.append(Tag("attention_to_detail", 1, "correct_name", word, m.start(), m.start() + len(word), "context/fact/name"))
                elif any(folded[0] == w[0] and _near(folded, w) for w in self.wanted):
                    tags.append(Tag("attention_to_detail", -1, "misspelled_name", word, m.start(), m.start() + len(word), "context/fact/name"))
        return tags


@dataclass
class Said:
    """What the context rules need of one chat message."""

    role: str  # candidate | customer
    text: str
    tags: list[Tag] = field(default_factory=list)
    nudge: bool = False


def _topic(text: str, stop: frozenset[str]) -> set[str]:
    """Content words, cut to six letters so "delivered" meets "delivery"."""
    return {f[:6] for f in map(_fold_keep_length, WORD.findall(text.replace("'", "").replace("’", ""))) if len(f) >= STOP and f not in stop and not f.isdigit()}


@lru_cache(maxsize=256)
def _topic_pattern(asked: tuple[str, ...], stop: frozenset[str]) -> re.Pattern:
    """A word of the reply that starts like a content word of the questions: one regex search per reply."""
    topic = sorted(set().union(*(_topic(q, stop) for q in asked)), key=len, reverse=True)
    if not topic:
        return re.compile(r"(?!)")
    # The words come first, so the regex skips to their letters at C speed; that a word starts there is checked after.
    return re.compile("|".join(map(re.escape, topic)))


def _shared_word(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of `pattern` that starts a word."""
    for m in pattern.finditer(text):
        if not m.start() or not _WORDISH(text[m.start() - 1]):
            return m
    return None


def _fold_keep_length(text: str) -> str:
    """Lower case and diacritics dropped letter by letter, one letter for one, so offsets still point into the original."""
    out = []
    for c in text:
        f = fold(c)
        out.append(f if len(f) == 1 else (c.lower() if len(c.lower()) == 1 else c))
    return "".join(out)


@lru_cache(maxsize=1024)
def _questions(text: str) -> tuple[str, ...]:
    """The sentences of a customer message that ask something (parsed once: each is read again for every reply)."""
    return tuple(s for s in re.findall(r"[^.!?\n]*\?", text) if WORD.search(s))


def answer_tags(text: str, tags: list[Tag], cues: set[str], history: Sequence[Said], stop: frozenset[str] = frozenset()) -> list[Tag]:
    """The customer's open question answered (for) or left unanswered, twice running (against)."""
    asked: list[str] = []
    open_turns = 0
    for said in reversed(history):
        if said.role == "candidate":
            break
        if said.nudge:
            continue  # "Hello?" is not a question about the problem
        questions = _questions(said.text)
        if questions:
            open_turns += 1
            asked[:0] = questions
    if not asked or not text.strip():
        return []
    question = " ".join(asked[-1].split())[:60]
    if any(t.behaviour in PROBLEM_SOLVING and t.polarity > 0 for t in tags):
        return []  # already credited for its problem-solving words: an answer is not counted twice
    # A reply that snaps back ("you should have read the email") is no answer, even on topic: the question stays open.
    snapped = any(t.dimension == "patience" and t.polarity < 0 and t.behaviour != "shouting" for t in tags)  # words, not a capital
    shared = None if snapped else _shared_word(_topic_pattern(tuple(asked), stop), text.lower() if text.isascii() else _fold_keep_length(text))
    if shared or (cues and not snapped):
        start, end = shared.span() if shared else (0, len(text))
        return [Tag("problem_solving", 1, "answers_question", text[start:end], start, end, f"context/answers/{question}")]
    # Asked again by the customer (two of their messages with questions, no reply between that answered).
    behaviour = "ignored_request" if open_turns >= 2 or _previous_reply_unanswered(history) else "unanswered_question"
    return [Tag("problem_solving", -1, behaviour, text, 0, len(text), f"context/{behaviour}/{question}")]


def _previous_reply_unanswered(history: Sequence[Said]) -> bool:
    """The candidate's previous reply already left the customer's question unanswered."""
    for said in reversed(history):
        if said.role == "candidate":
            return any(t.behaviour in ("unanswered_question", "ignored_request") for t in said.tags)
    return False


def adapt_tags(text: str, tags: list[Tag], history: Sequence[Said], customer_worse: bool) -> list[Tag]:
    """When the customer got more upset, a reply that changes approach adapts; the same again does not."""
    if not customer_worse:
        return []
    previous = next((s for s in reversed(history) if s.role == "candidate"), None)
    if previous is None:
        return []
    before = {t.behaviour for t in previous.tags if t.polarity > 0 and t.rule.split("/")[0] != "context"}
    now = {t.behaviour for t in tags if t.polarity > 0 and t.rule.split("/")[0] != "context"}
    if now - before:
        first = next(t for t in tags if t.behaviour in now - before)
        return [Tag("adaptability", 1, "changes_approach", first.evidence, first.start, first.end, "context/adapts/" + "+".join(sorted(now - before)))]
    return [Tag("adaptability", -1, "same_approach", text, 0, len(text), "context/same_approach")]


def formulaic_tags(text: str, tags: list[Tag], history: Sequence[Said]) -> list[Tag]:
    """A reply, or an empathy phrase, repeated from the candidate's earlier replies: formula, not help."""
    earlier = [t for t in history if t.role == "candidate"]
    if not earlier:
        return []
    said = {t.text.strip().lower() for t in earlier}
    if text.strip().lower() in said and len(text.strip()) > 10:
        return [Tag("helpfulness", -1, "formulaic", text, 0, len(text), "session/formulaic/repeated-reply")]
    before = {(tag.behaviour, tag.evidence.lower()) for t in earlier for tag in t.tags if tag.dimension == "empathy" and tag.behaviour != "use_name"}
    for tag in tags:
        # Single words ("sorry") recur naturally; a repeated phrase of two or more words is formula.
        if tag.dimension == "empathy" and len(tag.evidence.split()) >= 2 and (tag.behaviour, tag.evidence.lower()) in before:
            return [Tag("helpfulness", -1, "formulaic", tag.evidence, tag.start, tag.end, "session/formulaic/repeated-phrase")]
    return []


def address_tags(text: str, register: tuple[str, int, int] | None) -> list[Tag]:
    """An informal reply, where the scenario wants formal address to an upset customer (the caller knows when)."""
    if register is None or register[0] != "informal":
        return []
    _, start, end = register
    return [Tag("communication", -1, "informal_address", text[start:end], start, end, "context/address/informal")]


class SessionContext:
    """The context rules for one session, fed each reply in turn: used live by the engine and by `rolesim retag`."""

    def __init__(self, scenario, persona, tagger, names: Iterable[str]):
        self.scenario = scenario
        self.persona = persona
        self.tagger = tagger
        self.names = tuple(names)
        fold_as_language = tagger.lexicon.fold  # Danish "Kjærgaard" and "Kjaergaard" are one name
        self.facts = FactCheck(facts_of(scenario.facts, self.names, fold_as_language), tagger.lexicon.stem, fold_as_language)
        # Capitals the scenario itself writes ("ELECTRO-SHOP", "NEPAREIZAJĀ") are names or quotes, not shouting.
        capitals = {w for text in (scenario.reference, *scenario.facts.values()) for w in WORD.findall(str(text)) if w.isupper() and len(w) >= 2}
        self.cue_lexicon = tagger.cue_lexicon(scenario.cues, scenario.behaviours, self.names, capitals)
        self._mood_at_last_reply: float | None = None

    def tag(self, text: str, history: Sequence[Said], mood: float) -> tuple[list[Tag], list[Tag], set[str]]:
        """(tags the customer reacts to, all tags including context, scenario cues matched)."""
        tags, cues = self.tagger.analyse(text, self.cue_lexicon)  # the names are in the cue lexicon
        heard = list(tags)  # the customer reacts to the words of this reply, not to what came before
        tags += formulaic_tags(text, tags, history)
        worse = self._mood_at_last_reply is not None and mood > self._mood_at_last_reply
        self._mood_at_last_reply = mood
        tags += [
            *self.facts.tags(text),
            *answer_tags(text, tags, cues, history, self.tagger.stopwords),
            *adapt_tags(text, tags, history, worse),
        ]
        if self.scenario.address == "formal" and mood > self.persona.mood_calm:  # the register is only read where it matters
            tags += address_tags(text, self.tagger.register(text))
        return heard, tags, cues
