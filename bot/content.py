"""Loading and validating faq.yaml into immutable content objects.

A bad file never yields a half-loaded bot: `load_content` either returns a
complete, cross-checked `Content` or raises `ContentError` listing every
problem with the file, the entry and the field it concerns.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.text import normalize

MAX_FILE_BYTES = 2_000_000
MAX_ALIASES = 50
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
DISPOSITIONS = ("emergency", "urgent", "see-doctor", "self-care")


class ContentError(Exception):
    """faq.yaml is unreadable or invalid; `problems` lists each issue."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{self.path}: {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    short: str
    alternates: tuple[str, ...]
    answer: str
    related: tuple[str, ...]
    source: str  # "article", or who else the answer comes from
    # Where an answer not from the article comes from (named in the reply).
    sources: tuple[str, ...] = ()
    # Real user messages labelled with this entry (faq.yaml's `examples`).
    examples: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates, *self.examples)


@dataclass(frozen=True)
class Thresholds:
    answer: float
    min_gap: float
    clarify: float
    clarify_window: float
    max_candidates: int
    # Groups of entries that each answer the questions of the others well: a
    # "did you mean" among one group's entries only is answered instead.
    answer_together: tuple[frozenset[str], ...] = ()
    # Entries that give adult amounts, and the words of a message about someone
    # those amounts are not for (a child, a pregnancy, kidney disease,
    # medicines): such a message never gets those entries answered or offered.
    adult_amounts: frozenset[str] = frozenset()
    # Words or phrases ("on the pill") of such a message, unless denied ("im not
    # pregnant")...
    not_for_adult_amounts: frozenset[str] = frozenset()
    # ...and of someone who may be a child ("little one"), unless an adult age
    # is given ("my son is 30").
    young_for_adult_amounts: frozenset[str] = frozenset()
    # A message giving someone's age below this ("my 10yo", "a 15 year old") is
    # about a child too; 0: ages are not read.
    adult_from_age: int = 0
    # Entries whose answers begin "Yes, ..." about causes the article names, and
    # the illnesses ("can a brain tumour cause lip twitching") a message about
    # which never gets them answered or offered: it would read as yes.
    illness_entries: frozenset[str] = frozenset()
    illnesses: frozenset[str] = frozenset()
    # An amount asked about ("is 400mg ok"): answered with this entry (the upper
    # limit), `amount_then` first among the follow-ups, when the decision was one
    # of `amount_instead_of` or none. An amount counts when a word of
    # `amount_asks` is in the message or it is above `amount_above_mg`.
    amount_entry: str | None = None
    amount_then: str | None = None
    amount_instead_of: frozenset[str] = frozenset()
    amount_asks: frozenset[str] = frozenset()
    amount_not_when: frozenset[str] = frozenset()
    amount_above_mg: int = 0
    # "What causes lip twitching?", naming no cause, answered by one of these
    # entries: the other one is answered too, below it ("why_both" in faq.yaml).
    why_both: tuple[str, ...] = ()
    # A message naming a supplement form ("glycinate or citrate?") answered by
    # one of these entries: ui.forms_note first (the article does not compare
    # forms; a pharmacist can say which).
    forms_entries: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SmallTalk:
    id: str
    phrases: tuple[str, ...]
    reply: str
    # The main menu's buttons below the reply (a greeting; a reply that says "tap
    # a topic").
    menu: bool = False


@dataclass(frozen=True)
class EmergencySign:
    name: str
    patterns: tuple[str, ...]
    # Patterns that are an emergency only when the sentence says the sign is
    # sudden or happening now; otherwise the one `if_now` line.
    if_sudden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """A message that needs advice of its own before anything else (thoughts of
    suicide, tablets swallowed in excess): bot/situations.py."""

    name: str
    message: str
    # Words in order, at most situations.GAP others between two of them; "a|b"
    # either word, "word*" any word starting so (faq.yaml's "@list" names are
    # replaced by their words when it is read).
    phrases: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PassedSigns:
    """Signs told as over within the last days (`recent`: words or phrases of a
    message) get `line` instead of `if_now`: stroke signs that came and went can
    be a mini stroke, which needs advice today."""

    line: str
    signs: frozenset[str]
    recent: tuple[str, ...]


@dataclass(frozen=True)
class Emergency:
    message: str
    signs: tuple[EmergencySign, ...]
    sources: tuple[str, ...]
    # One line put before the answer when a sign may not be happening now.
    if_now: str = ""
    # The line instead of `if_now` for the writer's own fainting told after the
    # fact ("I fainted at work today"); `if_now` when not set.
    after_fainting: str = ""
    # The reply to a message not in English; it carries the emergency line.
    other_language: str = ""
    situations: tuple[Situation, ...] = ()
    passed_signs: PassedSigns | None = None


@dataclass(frozen=True)
class Option:
    label: str
    next: str | None
    outcome: str | None


@dataclass(frozen=True)
class Step:
    id: str
    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Outcome:
    id: str
    disposition: str
    title: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DoctorCheck:
    start: str
    steps: Mapping[str, Step]
    outcomes: Mapping[str, Outcome]


@dataclass(frozen=True)
class Source:
    title: str
    more_info: str
    more_info_url: str


@dataclass(frozen=True)
class Content:
    path: str
    source: Source
    disclaimer: str
    thresholds: Thresholds
    synonyms: Mapping[str, tuple[str, ...]]
    entries: tuple[Entry, ...]
    small_talk: tuple[SmallTalk, ...]
    emergency: Emergency
    ui: Mapping[str, str]
    buttons: Mapping[str, str]
    check_ui: Mapping[str, str]
    doctor_check: DoctorCheck
    # Messages the article does not answer, kept so near-topic questions are not matched.
    out_of_scope: tuple[str, ...] = ()
    # Real messages describing an emergency sign: what the emergency detector's
    # learned opinion is taught (bot/safety.py, RedFlagOpinion).
    red_flags: tuple[str, ...] = ()
    # Real messages that name a sign but describe no emergency: its counter-examples.
    calm_mentions: tuple[str, ...] = ()
    # Telegram command name -> its description in the command menu.
    commands: Mapping[str, str] = field(default_factory=dict)
    # The file holding the matcher's training phrasings (faq.yaml's `phrasings:`), if any.
    phrasings_path: str | None = None
    # The bot's Telegram profile: description and short_description.
    profile: Mapping[str, str] = field(default_factory=dict)
    by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})


# --- safe YAML --------------------------------------------------------------


# libyaml's parser when PyYAML was built with it (fifteen times faster on
# faq-phrasings.yaml: start-up and every reload), else PyYAML's own.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader that refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # let the base class report unhashable keys
            if key in seen:
                mark = key_node.start_mark
                raise yaml.YAMLError(
                    f"duplicate key {key!r} at line {mark.line + 1} (the second would silently "
                    "replace the first)"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _check_aliases(text: str) -> None:
    """Refuse an alias bomb (aliases of aliases, each doubling what the data
    holds) before anything is built: content needs no more than a few *refs."""
    aliases = sum(isinstance(t, yaml.AliasToken) for t in yaml.scan(text, Loader=_SafeLoader))
    if aliases > MAX_ALIASES:
        raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*refs); refusing to expand")


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely, with a size limit, as plain Python data."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError(path, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    if size > MAX_FILE_BYTES:
        raise ContentError(path, [f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            path, [f"not valid UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from exc
    except OSError as exc:
        raise ContentError(path, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    try:
        _check_aliases(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        raise ContentError(path, [f"not valid YAML: {exc}"]) from exc


# --- validation helpers -----------------------------------------------------


class _Checker:
    """Collects problems with a location so that all of them are reported at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping, got {_kind(value)}")
            return {}
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, max_len: int = 3500) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}, field '{key}'", f"must be a non-empty string, got {_kind(value)}")
            return ""
        if len(value) > max_len:
            self.fail(f"{where}, field '{key}'", f"is {len(value)} characters; at most {max_len}")
        return value.strip()

    def number(self, data: Mapping[str, Any], key: str, where: str, lo: float, hi: float) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}, field '{key}'", f"must be a number, got {_kind(value)}")
            return lo
        if not lo <= value <= hi:
            self.fail(f"{where}, field '{key}'", f"must be between {lo} and {hi}, got {value}")
        return float(value)

    def text_list(
        self, data: Mapping[str, Any], key: str, where: str, required: bool = True
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.fail(f"{where}, field '{key}'", f"must be a non-empty list, got {_kind(value)}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{where}, field '{key}'[{i}]", "must be a non-empty string")
            else:
                out.append(item.strip())
        return tuple(out)

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(where, f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return type(value).__name__


def _items(ck: _Checker, value: Any, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list) or not value:
        ck.fail(where, f"must be a non-empty list, got {_kind(value)}")
        return
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            ck.fail(f"{where}[{i}]", f"must be a mapping, got {_kind(item)}")
            continue
        yield i, item


def _label(where: str, i: int, item: Mapping[str, Any]) -> str:
    ident = item.get("id")
    return f"{where}[{i}] (id '{ident}')" if isinstance(ident, str) else f"{where}[{i}]"


# --- sections ---------------------------------------------------------------

ENTRY_KEYS = {
    "id",
    "question",
    "short",
    "alternates",
    "answer",
    "related",
    "source",
    "sources",
}


def _entries(ck: _Checker, raw: Any) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for i, item in _items(ck, raw, "entries"):
        where = _label("entry", i, item)
        ck.unknown_keys(item, ENTRY_KEYS, where)
        ident = ck.text(item, "id", where, max_len=31)
        if ident and not ID_PATTERN.match(ident):
            ck.fail(f"{where}, field 'id'", "use lowercase letters, digits and '-' (at most 31)")
        if ident in seen:
            ck.fail(f"{where}, field 'id'", f"duplicate id, also used by {seen[ident]}")
        seen[ident] = where
        related = ck.text_list(item, "related", where, required=False)
        if len(related) > MAX_BUTTON_ROWS:
            ck.fail(f"{where}, field 'related'", f"at most {MAX_BUTTON_ROWS} (one button each)")
        source = ck.text(item, "source", where, max_len=200)
        # An answer from elsewhere than the article must say where it comes from.
        sources = ck.text_list(item, "sources", where, required=source != "article")
        entries.append(
            Entry(
                id=ident,
                question=ck.text(item, "question", where, max_len=200),
                short=ck.text(item, "short", where, max_len=40),
                alternates=ck.text_list(item, "alternates", where),
                answer=ck.text(item, "answer", where),
                related=related,
                source=source,
                sources=sources,
            )
        )
    ids = {e.id for e in entries}
    for i, entry in enumerate(entries):
        for rel in entry.related:
            if rel not in ids:
                ck.fail(
                    f"entry[{i}] (id '{entry.id}'), field 'related'", f"unknown entry id '{rel}'"
                )
            elif rel == entry.id:
                ck.fail(
                    f"entry[{i}] (id '{entry.id}'), field 'related'",
                    "an entry cannot relate to itself",
                )
        for rel in sorted({r for r in entry.related if entry.related.count(r) > 1}):
            ck.fail(
                f"entry[{i}] (id '{entry.id}'), field 'related'",
                f"'{rel}' is listed twice (it would be two buttons)",
            )
    return tuple(entries)


def _with_examples(
    ck: _Checker, entries: tuple[Entry, ...], raw: Any, where: str
) -> tuple[Entry, ...]:
    """Attach `examples: {entry id: [messages]}` to their entries."""
    data = ck.mapping(raw, where)
    ids = {e.id for e in entries}
    for key in data:
        if key not in ids:
            ck.fail(f"{where}, entry '{key}'", "unknown entry id")
    return tuple(
        replace(e, examples=ck.text_list(data, e.id, where, required=False)) for e in entries
    )


def _thresholds(ck: _Checker, raw: Any) -> Thresholds:
    data = ck.mapping(raw, "matching")
    where = "matching"
    ck.unknown_keys(
        data,
        {
            "answer_threshold",
            "min_gap",
            "clarify_threshold",
            "clarify_window",
            "max_candidates",
            "answer_together",
            "adult_amounts",
            "named_illness",
            "amount_asked",
            "why_both",
            "supplement_forms",
        },
        where,
    )
    why_both = ck.text_list(data, "why_both", where, required=False)
    if why_both and len(set(why_both)) != 2:
        ck.fail(f"{where}, field 'why_both'", "must name two different entry ids")
    amount = ck.mapping(data.get("amount_asked", {}), f"{where}, field 'amount_asked'")
    ck.unknown_keys(
        amount,
        {"entry", "then", "instead_of", "asks", "not_when", "above_mg"},
        f"{where}, field 'amount_asked'",
    )
    amount_where = f"{where}, amount_asked"
    amount_entry = ck.text(amount, "entry", amount_where) if amount else None
    amount_then = ck.text(amount, "then", amount_where) if amount else None
    amount_instead = ck.text_list(amount, "instead_of", amount_where, required=False)
    amount_asks = ck.text_list(amount, "asks", amount_where, required=False)
    amount_not_when = ck.text_list(amount, "not_when", amount_where, required=False)
    forms = ck.mapping(data.get("supplement_forms", {}), f"{where}, field 'supplement_forms'")
    ck.unknown_keys(forms, {"entries", "words"}, f"{where}, field 'supplement_forms'")
    forms_entries = ck.text_list(forms, "entries", f"{where}, supplement_forms", required=False)
    forms_words = ck.text_list(forms, "words", f"{where}, supplement_forms", required=False)
    illness = ck.mapping(data.get("named_illness", {}), f"{where}, field 'named_illness'")
    ck.unknown_keys(illness, {"entries", "not_for"}, f"{where}, field 'named_illness'")
    illness_where = f"{where}, named_illness"
    illness_entries = ck.text_list(illness, "entries", illness_where, required=False)
    illness_words = ck.text_list(illness, "not_for", illness_where, required=False)
    adult = ck.mapping(data.get("adult_amounts", {}), f"{where}, field 'adult_amounts'")
    ck.unknown_keys(
        adult,
        {"entries", "not_for", "young", "adult_from_age"},
        f"{where}, field 'adult_amounts'",
    )
    adult_where = f"{where}, adult_amounts"
    adult_entries = ck.text_list(adult, "entries", adult_where, required=False)
    not_for = ck.text_list(adult, "not_for", adult_where, required=False)
    young = ck.text_list(adult, "young", adult_where, required=False)
    together = data.get("answer_together", [])
    if not isinstance(together, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(i, str) for i in g) for g in together
    ):
        ck.fail(f"{where}, field 'answer_together'", "must be a list of lists of entry ids")
        together = []
    th = Thresholds(
        answer=ck.number(data, "answer_threshold", where, 0, 100),
        min_gap=ck.number(data, "min_gap", where, 0, 100),
        clarify=ck.number(data, "clarify_threshold", where, 0, 100),
        clarify_window=ck.number(data, "clarify_window", where, 0, 100),
        max_candidates=int(ck.number(data, "max_candidates", where, 2, 5)),
        answer_together=tuple(frozenset(g) for g in together),
        adult_amounts=frozenset(adult_entries),
        not_for_adult_amounts=frozenset(" ".join(w.lower().split()) for w in not_for),
        young_for_adult_amounts=frozenset(" ".join(w.lower().split()) for w in young),
        adult_from_age=(
            int(ck.number(adult, "adult_from_age", adult_where, 1, 120))
            if "adult_from_age" in adult
            else 0
        ),
        illness_entries=frozenset(illness_entries),
        illnesses=frozenset(" ".join(w.lower().split()) for w in illness_words),
        why_both=tuple(why_both),
        forms_entries=frozenset(forms_entries),
        forms=frozenset(" ".join(w.lower().split()) for w in forms_words),
        amount_entry=amount_entry,
        amount_then=amount_then,
        amount_instead_of=frozenset(amount_instead),
        amount_asks=frozenset(" ".join(w.lower().split()) for w in amount_asks),
        amount_not_when=frozenset(" ".join(w.lower().split()) for w in amount_not_when),
        amount_above_mg=(
            int(ck.number(amount, "above_mg", amount_where, 1, 100000))
            if "above_mg" in amount
            else 0
        ),
    )
    if th.clarify > th.answer:
        ck.fail(where, "clarify_threshold must not be above answer_threshold")
    return th


def _synonyms(ck: _Checker, raw: Any) -> dict[str, tuple[str, ...]]:
    data = ck.mapping(raw, "synonyms")
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for canon, variants in data.items():
        where = f"synonyms, word '{canon}'"
        if not isinstance(canon, str) or not canon.strip():
            ck.fail("synonyms", f"key {canon!r} must be a word")
            continue
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            ck.fail(where, "must be a list of words or phrases")
            continue
        for v in variants:
            key = v.strip().lower()
            if key in owner and owner[key] != canon:
                ck.fail(where, f"'{v}' is already a synonym of '{owner[key]}'")
            owner[key] = canon
        out[canon.strip().lower()] = tuple(v.strip().lower() for v in variants if v.strip())
    return out


def _small_talk(ck: _Checker, raw: Any) -> tuple[SmallTalk, ...]:
    out: list[SmallTalk] = []
    for i, item in _items(ck, raw, "small_talk"):
        where = _label("small_talk", i, item)
        ck.unknown_keys(item, {"id", "phrases", "reply", "menu"}, where)
        menu = item.get("menu", False)
        if not isinstance(menu, bool):
            ck.fail(f"{where}, field 'menu'", f"must be true or false, got {_kind(menu)}")
        phrases = ck.text_list(item, "phrases", where)
        for j, phrase in enumerate(phrases):
            # Read as the user's words are: a phrase of punctuation alone ("??") has none.
            if not normalize(phrase):
                ck.fail(f"{where}, field 'phrases'[{j}]", f"{phrase!r} has no words to match")
        out.append(
            SmallTalk(
                id=ck.text(item, "id", where, max_len=31),
                phrases=phrases,
                reply=ck.text(item, "reply", where),
                menu=menu is True,
            )
        )
    return tuple(out)


def _emergency(ck: _Checker, raw: Any) -> Emergency:
    data = ck.mapping(raw, "emergency")
    ck.unknown_keys(
        data,
        {
            *("message", "if_now", "after_fainting", "other_language", "signs", "situations"),
            *("situation_words", "passed_signs", "sources"),
        },
        "emergency",
    )
    signs: list[EmergencySign] = []
    for i, item in _items(ck, data.get("signs"), "emergency.signs"):
        where = f"emergency.signs[{i}]"
        ck.unknown_keys(item, {"name", "patterns", "if_sudden"}, where)
        sign = EmergencySign(
            name=ck.text(item, "name", where, max_len=80),
            patterns=ck.text_list(item, "patterns", where),
            if_sudden=ck.text_list(item, "if_sudden", where, required=False),
        )
        for key in ("patterns", "if_sudden"):
            for j, pattern in enumerate(getattr(sign, key)):
                # As the detector reads it: lowercase, apostrophes dropped.
                bad = [
                    w
                    for w in pattern.lower().replace("'", "").split()
                    if not PATTERN_WORD.fullmatch(w)
                ]
                if bad:
                    ck.fail(
                        f"{where}, field '{key}'[{j}]",
                        f"'{bad[0]}' can never match a message's word: lowercase letters "
                        "and digits, '*' after a stem",
                    )
        signs.append(sign)
    return Emergency(
        message=ck.text(data, "message", "emergency"),
        signs=tuple(signs),
        sources=ck.text_list(data, "sources", "emergency"),
        if_now=ck.text(data, "if_now", "emergency", max_len=200),
        after_fainting=(
            ck.text(data, "after_fainting", "emergency", max_len=300)
            if "after_fainting" in data
            else ""
        ),
        other_language=ck.text(data, "other_language", "emergency", max_len=600),
        situations=(
            _situations(ck, data.get("situations"), _word_lists(ck, data))
            if "situations" in data
            else ()
        ),
        passed_signs=(
            _passed_signs(ck, data["passed_signs"], {s.name for s in signs})
            if "passed_signs" in data
            else None
        ),
    )


def _passed_signs(ck: _Checker, raw: Any, names: set[str]) -> PassedSigns:
    where = "emergency.passed_signs"
    data = ck.mapping(raw, where)
    ck.unknown_keys(data, {"line", "signs", "recent"}, where)
    signs = ck.text_list(data, "signs", where)
    for name in signs:
        if name not in names:
            ck.fail(f"{where}, field 'signs'", f"unknown sign '{name}' (not in emergency.signs)")
    return PassedSigns(
        line=ck.text(data, "line", where, max_len=300),
        signs=frozenset(signs),
        recent=ck.text_list(data, "recent", where),
    )


# Buttons of one kind under a message (follow-ups, a check step's options): a
# phone shows a few; Telegram refuses a message with more than 100.
MAX_BUTTON_ROWS = 10
# A word of an emergency pattern: messages are read as words of letters and
# digits (bot/text.py normalize).
PATTERN_WORD = re.compile(r"[a-z0-9]+\*?")
# A phrase of a situation: words of letters and digits, "|" between alternatives,
# "*" after a stem.
PHRASE_WORD = re.compile(r"[a-z0-9]+\*?(\|[a-z0-9]+\*?)*")
# "@meds" in a phrase: the words of emergency.situation_words' list "meds".
LIST_NAME = re.compile(r"@(\w+)")


def _word_lists(ck: _Checker, data: Mapping[str, Any]) -> dict[str, str]:
    """emergency.situation_words: named word lists ("meds: pill*|tablet*|paracetamol")
    that the situations' phrases use as "@meds"."""
    lists: dict[str, str] = {}
    where = "emergency.situation_words"
    for name, value in ck.mapping(data.get("situation_words", {}), where).items():
        at = f"{where}, list '{name}'"
        if not isinstance(value, str) or not PHRASE_WORD.fullmatch(value.strip()):
            ck.fail(at, "must be one word: lowercase letters and digits, '|' between them")
        else:
            lists[str(name)] = value.strip()
    return lists


def _situations(ck: _Checker, raw: Any, lists: Mapping[str, str]) -> tuple[Situation, ...]:
    out: list[Situation] = []
    for i, item in _items(ck, raw, "emergency.situations"):
        where = f"emergency.situations[{i}]"
        ck.unknown_keys(item, {"name", "message", "phrases", "sources"}, where)
        phrases: list[str] = []
        for j, phrase in enumerate(ck.text_list(item, "phrases", where)):
            unknown = [n for n in LIST_NAME.findall(phrase) if n not in lists]
            if unknown:
                ck.fail(
                    f"{where}, field 'phrases'[{j}]",
                    f"'@{unknown[0]}' names no list of emergency.situation_words "
                    f"(lists: {', '.join(sorted(lists)) or 'none'})",
                )
                continue
            phrase = LIST_NAME.sub(lambda m: lists[m.group(1)], phrase)
            phrases.append(phrase)
            words = []
            for part in phrase.split(" & "):  # parts found anywhere, in any order
                part_words = part.split()
                if part_words and part_words[0].startswith("!"):
                    part_words[0] = part_words[0][1:]  # a part that must not be there
                if len(part_words) > 1 and part_words[-1].startswith("!"):
                    part_words[-1] = part_words[-1][1:]  # the words that must not follow
                words.extend(part_words or ["(an empty part)"])
            bad = [w for w in words if not PHRASE_WORD.fullmatch(w)]
            if bad:
                ck.fail(
                    f"{where}, field 'phrases'[{j}]",
                    f"'{bad[0]}' is not a word: lowercase letters and digits, "
                    "'|' between alternatives, '*' after a stem, '!' before words that "
                    "must not follow, '@' before the name of a list of emergency.situation_words, "
                    "' & ' between parts found anywhere, '!' before a part that must not be",
                )
        out.append(
            Situation(
                name=ck.text(item, "name", where, max_len=80),
                message=ck.text(item, "message", where, max_len=1000),
                phrases=tuple(phrases),
                sources=ck.text_list(item, "sources", where),
            )
        )
    return tuple(out)


UI_TEXTS = (
    "welcome",
    "how_to_ask",
    "topics_intro",
    "clarify_intro",
    "clarify_beyond_article",
    "fallback",
    "other_twitch_note",
    "unnamed_cause_note",
    "own_cause_note",
    "forms_note",
    "none_of_these",
    "expired",
    "unsupported",
    "empty",
    "number_only",
    "too_long_note",
    "also_asked",
    "also_related",
    "emergency_continue",
    "emergency_continue_answer",
    "privacy",
    "forgotten",
    "forget_failed",
    "group_hint",
    "expired_short",
    "inline_open_bot",
    "inline_emergency_title",
    "feedback_thanks",
    "feedback_down",
    "privacy_stats_on",
    "privacy_stats_off",
    "error",
    "nothing_to_cancel",
    "unknown_command",
    "feedback_already",
    "check_closed",
    "check_private",
)
# Texts that Telegram shows in small places, and their length limits.
UI_MAX_CHARS = {
    "feedback_thanks": 200,
    "feedback_already": 200,
    "expired_short": 200,
    "inline_open_bot": 64,
    "inline_emergency_title": 100,
}
# Bot commands offered in Telegram's command menu; ui.commands describes each one.
COMMANDS = ("start", "topics", "doctor", "cancel", "help", "about", "privacy", "forget", "ask")
MAX_COMMAND_DESCRIPTION = 256
BUTTONS = (
    "helpful",
    "not_helpful",
    "topics",
    "doctor_check",
    "how_to_ask",
    "none_of_these",
    "not_an_emergency",
    "back",
    "cancel",
    "restart",
    "menu",
)
CHECK_TEXTS = (
    "intro",
    "nudge",
    "still_in_check",
    "stale",
    "cancelled",
    "outcome_footer",
    "progress",
    "sources",
)


def _ui(
    ck: _Checker, raw: Any
) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    data = ck.mapping(raw, "ui")
    ck.unknown_keys(data, {*UI_TEXTS, "buttons", "check", "commands"}, "ui")
    texts = {k: ck.text(data, k, "ui", max_len=UI_MAX_CHARS.get(k, 3500)) for k in UI_TEXTS}
    raw_buttons = ck.mapping(data.get("buttons"), "ui.buttons")
    ck.unknown_keys(raw_buttons, set(BUTTONS), "ui.buttons")
    buttons = {k: ck.text(raw_buttons, k, "ui.buttons", max_len=40) for k in BUTTONS}
    raw_check = ck.mapping(data.get("check"), "ui.check")
    ck.unknown_keys(raw_check, set(CHECK_TEXTS), "ui.check")
    check = {k: ck.text(raw_check, k, "ui.check") for k in CHECK_TEXTS}
    raw_commands = ck.mapping(data.get("commands"), "ui.commands")
    ck.unknown_keys(raw_commands, set(COMMANDS), "ui.commands")
    commands = {
        k: ck.text(raw_commands, k, "ui.commands", max_len=MAX_COMMAND_DESCRIPTION)
        for k in COMMANDS
    }
    for where, values in (("ui", texts), ("ui.check", check)):
        for key, value in values.items():
            _placeholders(ck, f"{where}, field '{key}'", value, PLACEHOLDERS.get((where, key), {}))
    return texts, buttons, check, commands


# The texts with {placeholders}: each placeholder the code fills in, and whether
# the text must have it (the privacy notice must say what statistics are kept).
PLACEHOLDERS: dict[tuple[str, str], dict[str, bool]] = {
    ("ui.check", "progress"): {"n": False, "total": False},
    ("ui", "privacy"): {"stats": True},
    ("ui", "privacy_stats_on"): {"days": True},
}


def _placeholders(ck: _Checker, where: str, text: str, known: Mapping[str, bool]) -> None:
    """Only the placeholders the code fills in, the required ones present, and
    every brace paired: a stray one would break the reply at run time."""
    try:
        found = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        ck.fail(where, "has an unpaired '{' or '}' (write {{ or }} for a brace)")
        return
    allowed = ", ".join(f"{{{k}}}" for k in known) or "none"
    for name in sorted(found - set(known)):
        ck.fail(where, f"unknown placeholder {{{name}}} (allowed: {allowed})")
    for name in sorted(k for k, required in known.items() if required and k not in found):
        ck.fail(where, f"must contain the placeholder {{{name}}}")


def _doctor_check(ck: _Checker, raw: Any) -> DoctorCheck:
    data = ck.mapping(raw, "doctor_check")
    ck.unknown_keys(data, {"start", "steps", "outcomes"}, "doctor_check")
    start = ck.text(data, "start", "doctor_check", max_len=31)
    outcomes: dict[str, Outcome] = {}
    for i, item in _items(ck, data.get("outcomes"), "doctor_check.outcomes"):
        where = _label("doctor_check.outcomes", i, item)
        ck.unknown_keys(item, {"id", "disposition", "title", "text", "sources"}, where)
        oid = ck.text(item, "id", where, max_len=31)
        if oid in outcomes:
            ck.fail(f"{where}, field 'id'", "duplicate outcome id")
        disposition = ck.text(item, "disposition", where, max_len=31)
        if disposition and disposition not in DISPOSITIONS:
            ck.fail(f"{where}, field 'disposition'", f"must be one of {', '.join(DISPOSITIONS)}")
        outcomes[oid] = Outcome(
            id=oid,
            disposition=disposition,
            title=ck.text(item, "title", where, max_len=120),
            text=ck.text(item, "text", where),
            sources=ck.text_list(item, "sources", where),
        )
    steps: dict[str, Step] = {}
    for i, item in _items(ck, data.get("steps"), "doctor_check.steps"):
        where = _label("doctor_check.steps", i, item)
        ck.unknown_keys(item, {"id", "question", "options"}, where)
        sid = ck.text(item, "id", where, max_len=31)
        if sid in steps or sid in outcomes:
            ck.fail(f"{where}, field 'id'", "duplicate step id (or same as an outcome)")
        options: list[Option] = []
        for j, opt in _items(ck, item.get("options"), f"{where}, field 'options'"):
            owhere = f"{where}, options[{j}]"
            ck.unknown_keys(opt, {"label", "next", "outcome"}, owhere)
            nxt, out = opt.get("next"), opt.get("outcome")
            if (nxt is None) == (out is None):
                ck.fail(
                    owhere, "needs exactly one of 'next' (a step id) or 'outcome' (an outcome id)"
                )
            options.append(
                Option(
                    label=ck.text(opt, "label", owhere, max_len=40),
                    next=nxt if isinstance(nxt, str) else None,
                    outcome=out if isinstance(out, str) else None,
                )
            )
        if len(options) > MAX_BUTTON_ROWS:
            ck.fail(f"{where}, field 'options'", f"at most {MAX_BUTTON_ROWS} (one button each)")
        steps[sid] = Step(id=sid, question=ck.text(item, "question", where), options=tuple(options))
    flow = DoctorCheck(start=start, steps=steps, outcomes=outcomes)
    _check_flow(ck, flow)
    return flow


def _check_flow(ck: _Checker, flow: DoctorCheck) -> None:
    """The flow must be closed: every target exists, every step and outcome is
    reachable from the start, and no path loops (so every path ends)."""
    where = "doctor_check"
    if flow.start and flow.start not in flow.steps:
        ck.fail(f"{where}, field 'start'", f"unknown step '{flow.start}'")
        return
    for step in flow.steps.values():
        for j, opt in enumerate(step.options):
            if opt.next is not None and opt.next not in flow.steps:
                ck.fail(
                    f"{where}, step '{step.id}', options[{j}]", f"next: unknown step '{opt.next}'"
                )
            if opt.outcome is not None and opt.outcome not in flow.outcomes:
                ck.fail(
                    f"{where}, step '{step.id}', options[{j}]",
                    f"outcome: unknown outcome '{opt.outcome}'",
                )
    if ck.problems:
        return
    reached: set[str] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(sid: str, path: list[str]) -> None:
        if state.get(sid) == 1:
            ck.fail(where, f"the steps loop: {' -> '.join([*path, sid])}")
            return
        if state.get(sid) == 2:
            return
        state[sid] = 1
        reached.add(sid)
        for opt in flow.steps[sid].options:
            if opt.next is not None:
                visit(opt.next, [*path, sid])
            elif opt.outcome is not None:
                reached.add(opt.outcome)
        state[sid] = 2

    visit(flow.start, [])
    for sid in flow.steps:
        if sid not in reached:
            ck.fail(f"{where}, step '{sid}'", "cannot be reached from the start")
    for oid in flow.outcomes:
        if oid not in reached:
            ck.fail(f"{where}, outcome '{oid}'", "no option leads to it")


TOP_KEYS = {
    "version",
    "source",
    "disclaimer",
    "matching",
    "synonyms",
    "entries",
    "small_talk",
    "emergency",
    "ui",
    "doctor_check",
    "out_of_scope",
    "examples",
    "red_flags",
    "calm_mentions",
    "phrasings",
    "profile",
}
# What the phrasings file (faq.yaml's `phrasings:`) may hold.
PHRASINGS_KEYS = {"examples", "out_of_scope", "red_flags", "calm_mentions"}
# The bot's profile texts and Telegram's limits for them (setMyDescription,
# setMyShortDescription).
PROFILE_MAX_CHARS = {"description": 512, "short_description": 120}


def parse_content(
    data: Any, path: Path | str = "faq.yaml", phrasings_file: str | None = None
) -> Content:
    """Validate already-parsed YAML data; raise ContentError with every problem.

    `phrasings_file` names the file that `examples`, `out_of_scope`,
    `red_flags` and `calm_mentions` came from, when it is not faq.yaml itself,
    so that their problems point there.
    """
    ck = _Checker()
    top = ck.mapping(data, "top level")
    if not top:
        raise ContentError(path, ck.problems or ["the file is empty"])
    ck.unknown_keys(top, TOP_KEYS, "top level")
    if top.get("version") != 1:
        ck.fail("top level, field 'version'", f"must be 1, got {top.get('version')!r}")
    src = ck.mapping(top.get("source"), "source")
    source = Source(
        title=ck.text(src, "title", "source", max_len=200),
        more_info=ck.text(src, "more_info", "source", max_len=400),
        more_info_url=ck.text(src, "more_info_url", "source", max_len=400),
    )
    disclaimer = ck.text(top, "disclaimer", "top level", max_len=500)
    thresholds = _thresholds(ck, top.get("matching"))
    synonyms = _synonyms(ck, top.get("synonyms", {}))
    entries = _entries(ck, top.get("entries"))
    ids = {e.id for e in entries}
    for group in thresholds.answer_together:
        for unknown in sorted(group - ids):
            ck.fail("matching, field 'answer_together'", f"unknown entry id '{unknown}'")
    for unknown in sorted(thresholds.adult_amounts - ids):
        ck.fail("matching, adult_amounts, field 'entries'", f"unknown entry id '{unknown}'")
    for unknown in sorted(thresholds.illness_entries - ids):
        ck.fail("matching, named_illness, field 'entries'", f"unknown entry id '{unknown}'")
    amount_named = (
        ("entry", {thresholds.amount_entry or ""}),
        ("then", {thresholds.amount_then or ""}),
        ("instead_of", set(thresholds.amount_instead_of)),
    )
    for key, named in amount_named:
        for unknown in sorted(named - ids - {""}):
            ck.fail(f"matching, amount_asked, field '{key}'", f"unknown entry id '{unknown}'")
    for unknown in sorted(set(thresholds.why_both) - ids):
        ck.fail("matching, field 'why_both'", f"unknown entry id '{unknown}'")
    for unknown in sorted(thresholds.forms_entries - ids):
        ck.fail("matching, supplement_forms, field 'entries'", f"unknown entry id '{unknown}'")
    small_talk = _small_talk(ck, top.get("small_talk"))
    emergency = _emergency(ck, top.get("emergency"))
    ui, buttons, check_ui, commands = _ui(ck, top.get("ui"))
    doctor_check = _doctor_check(ck, top.get("doctor_check"))
    where = f"{phrasings_file}, " if phrasings_file else ""
    out_of_scope = ck.text_list(top, "out_of_scope", f"{where}top level", required=False)
    red_flags = ck.text_list(top, "red_flags", f"{where}top level", required=False)
    calm_mentions = ck.text_list(top, "calm_mentions", f"{where}top level", required=False)
    raw_profile = ck.mapping(top.get("profile"), "profile")
    ck.unknown_keys(raw_profile, set(PROFILE_MAX_CHARS), "profile")
    profile = {
        k: ck.text(raw_profile, k, "profile", max_len=n) for k, n in PROFILE_MAX_CHARS.items()
    }
    entries = _with_examples(ck, entries, top.get("examples", {}), f"{where}examples")
    if ck.problems:
        raise ContentError(path, ck.problems)
    return Content(
        path=str(path),
        source=source,
        disclaimer=disclaimer,
        thresholds=thresholds,
        synonyms=synonyms,
        entries=entries,
        small_talk=small_talk,
        emergency=emergency,
        ui=ui,
        buttons=buttons,
        check_ui=check_ui,
        doctor_check=doctor_check,
        commands=commands,
        out_of_scope=out_of_scope,
        red_flags=red_flags,
        calm_mentions=calm_mentions,
        profile=profile,
    )


def load_content(path: Path | str) -> Content:
    """Read and validate faq.yaml and the phrasings file it names.

    Raises ContentError naming file, entry and field.
    """
    p = Path(path)
    data = read_yaml(p)
    ref = data.get("phrasings") if isinstance(data, dict) else None
    if ref is None:
        return parse_content(data, p)
    if not isinstance(ref, str) or not ref.strip() or Path(ref).is_absolute():
        raise ContentError(
            p, [f"top level, field 'phrasings': must be a file name next to {p.name}"]
        )
    phrasings_path = p.parent / ref
    extra = read_yaml(phrasings_path)
    ck = _Checker()
    extra_map = ck.mapping(extra, "top level")
    ck.unknown_keys(extra_map, PHRASINGS_KEYS, "top level")
    for key in PHRASINGS_KEYS & extra_map.keys() & data.keys():
        ck.fail(f"top level, field '{key}'", f"is also in {p.name}: keep it in one file")
    if ck.problems:
        raise ContentError(phrasings_path, ck.problems)
    merged = {k: v for k, v in data.items() if k != "phrasings"} | extra_map
    content = parse_content(merged, p, phrasings_file=ref)
    return replace(content, phrasings_path=str(phrasings_path))


def default_faq_path() -> Path:
    """faq.yaml at the project root (next to the bot package)."""
    return Path(__file__).resolve().parent.parent / "faq.yaml"
