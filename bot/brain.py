"""The dialogue: turns a message or a button press plus the user's state into a Reply.

Plain Python, no Telegram: the console chat and the Telegram adapter both call
`Brain.on_text`, `Brain.on_button` and the command helpers. The per-user state
is a mutable mapping the caller keeps (PTB's user_data, or a dict in the
console); the brain keeps in it only the doctor check in progress.

Buttons carry the actions of bot/callbacks.py; `on_button` decodes them there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from dataclasses import replace
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.callbacks import (
    CheckAnswer,
    CheckBack,
    CheckCancel,
    Feedback,
    HowToAsk,
    Menu,
    NoneOfThese,
    ShowEntry,
    StartCheck,
    Topics,
    decode,
)
from bot.content import Content, Entry, Outcome, SmallTalk, Step
from bot.doctor_check import DoctorCheckFlow, StaleButton
from bot.matcher import Analysis, Matcher
from bot.replies import Button, Reply, Section
from bot.safety import EmergencyDetector, RedFlagOpinion, english_words
from bot.situations import SituationFinder
from bot.text import MAX_READ_CHARS, STOP_WORDS, normalize

log = logging.getLogger(__name__)

State = MutableMapping[str, Any]
CHECK_KEY = "check"
# Typed answers during the check, as the labels of its options.
TYPED_ANSWERS = {
    **dict.fromkeys(("y", "yeah", "yep", "yup", "yes please"), "yes"),
    **dict.fromkeys(("n", "nope", "nah", "not really", "dont think so"), "no"),
    # None of what the question lists ("nope none of those"); not "no chest pain",
    # which denies one item of a list.
    **dict.fromkeys(
        (
            *("none", "none of those", "none of them", "none of these", "none of that"),
            *("no none", "no none of those", "no none of them", "no none of these"),
            *("nope none", "nope none of those", "nope none of them", "nope none of these"),
            *("nah none of those", "no to all", "no to all of them", "nothing like that"),
            *("no nothing like that", "not any of them", "not any of those", "neither"),
        ),
        "no",
    ),
    **dict.fromkeys(
        (
            *("unsure", "dont know", "idk", "im not sure", "no idea", "dunno", "maybe", "perhaps"),
            # A hedged yes is no yes to pick for the person (the first question's
            # "Not sure" is advice today with the 999 line).
            *("i think so", "probably", "possibly", "sort of", "kind of", "not certain"),
        ),
        "not sure",
    ),
}
# Typed during the check: its Cancel and Back buttons in words.
TYPED_CANCEL = frozenset({"cancel", "stop", "quit", "exit", "end", "cancel check", "stop check"})
TYPED_BACK = frozenset({"back", "go back"})
# Typed anywhere: buttons in words (their labels in faq.yaml count too).
TYPED_BUTTONS: dict[str, Topics | Menu | StartCheck] = {
    **dict.fromkeys(("topics", "all topics", "browse topics", "topic list", "more"), Topics()),
    **dict.fromkeys(
        ("menu", "main menu", "restart", "start over", "start again", "back", "go back"), Menu()
    ),
    **dict.fromkeys(
        (
            *("doctor check", "start check", "the doctor check", "start the check"),
            # A user pass, round 14.
            *("do the check", "do the doctor check", "do the check again", "take the check"),
            *("can i do the doctor check", "can i do that doctor check thing"),
            *("do that doctor check", "redo the check"),
        ),
        StartCheck(),
    ),
}
# A message no longer than this many words may be small talk ("thanks a lot").
SMALL_TALK_MAX_WORDS = 5
SMALL_TALK_MIN_RATIO = 88.0
# Entries listed per page of the topics menu.
TOPICS_PER_PAGE = 20
# Polite words around small talk ("can you diagnose me pls").
POLITE = frozenset({"pls", "plz", "please", "mate"})
SMALL_TALK_FILLER = (
    *("so", "much", "very", "a", "lot", "you", "bot", "again", "and", "all", "for"),
    *sorted(POLITE),
    *("doctor", "doc"),
    # Terms of address and hedges (a user pass, round 14: "Thank you dear" got a
    # "did you mean").
    *("dear", "love", "hun", "hon", "i", "guess", "x", "xx", "xxx"),
)
# Words as people text them ("r u a real doctor" is "are you a real doctor"), read
# so by the small talk only (the matcher's spelling has its own ways).
TEXTED = {"r": "are", "u": "you"}
# A message beginning with one of these asks something: never thanks or goodbye.
QUESTION_OPENERS = frozenset(
    "is are am can could does do did how what whats why when where which who should will would".split()
)
# Words of someone telling of their own twitching ("is my lip twitching from low
# magnesium?"): the cause answers get a note that the bot cannot tell them why.
OWN = frozenset("i im ive me my myself mine he hes his him she shes her they their".split())
# Deep-link payloads that open the doctor check.
CHECK_PAYLOADS = frozenset({"check", "doctor", "doctor-check", "doctor_check"})


# Where a message divides into parts: the answer button under the emergency
# advice may be for the part after the sign (Brain._answer_for).
PARTS = re.compile(r"[,;.!?\n]+")
POINTING_BACK = frozenset("it its this that these those they them".split())
# Words that open a question ("wat", "shud": people type on phones).
QUESTION_WORDS = frozenset(
    "what wat wot whats how when why where which who can could cud does do did is are "
    "was will would should shud may might any".split()
)
# "Can vaping cause ...", "does the pill make ...": what is asked about as a cause.
CAUSE_ASKED = re.compile(
    r"\b(?:can|could|does|do|will|would|might|may) ((?:\w+ ){1,5}?)"
    r"(?:(?:known|able|likely|said|going) to )?(?:cause|make|trigger|lead to|bring on|be behind)\b"
    r"|\b(?:is|are) ((?:\w+ ){1,5}?)(?:causing|making|triggering)\b"
)
# A word this long may be a slip or the start of a word of the answers.
NAMED_MIN_LETTERS = 5
NOT_CAUSES = (
    "low lack deficiency too much high levels level not enough little twitch lip face muscle"
)
_CLAUSES = re.compile(r"(?<=[?!.;,\n])")
_JOINERS = re.compile(r"\b(?:and|also|plus|n|or)\b|\+", re.IGNORECASE)
# A question word this early in a part opens a question ("at what point ...").
QUESTION_WORD_WITHIN = 3


def _shown_entry(data: str) -> str | None:
    """The entry a button shows, if it shows one."""
    action = decode(data)
    return action.entry_id if isinstance(action, ShowEntry) else None


def asks_two_questions(text: str) -> bool:
    """Whether a message holds at least two questions: parts (between punctuation,
    "and", "also" ...) that open with a question word, or a "?" ending a clause
    that has none ("coffee bad for twitch? also should i take mg")."""
    asked = 0
    for clause in _CLAUSES.split(text):
        opened = sum(
            1
            for part in _JOINERS.split(clause)
            if QUESTION_WORDS.intersection(part.lower().split()[:QUESTION_WORD_WITHIN])
        )
        has_words = any(c.isalnum() for c in clause)
        asked += opened or (has_words and clause.rstrip().endswith("?"))
    return asked >= 2


class Brain:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.matcher = Matcher(content)
        self.emergency = EmergencyDetector(
            content.emergency, english_words(content), RedFlagOpinion.of(content)
        )
        self.situations = SituationFinder(content.emergency.situations)
        self.check = DoctorCheckFlow(content.doctor_check)
        b = content.buttons
        # A button's label typed as a message does what the button does.
        self._typed_buttons: dict[str, ShowEntry | Topics | Menu | StartCheck | HowToAsk] = {
            **TYPED_BUTTONS,
            **{normalize(e.short): ShowEntry(e.id) for e in content.entries},
            normalize(b["topics"]): Topics(),
            normalize(b["menu"]): Menu(),
            normalize(b["doctor_check"]): StartCheck(),
            normalize(b["restart"]): StartCheck(),
            normalize(b["how_to_ask"]): HowToAsk(),
        }
        # Cancel and Back typed during the check; Cancel alone outside it ("stop"
        # there is no command).
        self._typed_cancel = TYPED_CANCEL | {normalize(b["cancel"])}
        self._typed_back = TYPED_BACK | {normalize(b["back"])}
        self._typed_cancel_outside = frozenset({"cancel", normalize(b["cancel"])})
        # Every (canonical) word of the answers: what the article names.
        self._answer_words = {
            w
            for e in content.entries
            for paragraph in e.answer.splitlines()
            for w in self.matcher.lexicon.content_words(paragraph)
        }
        # Words of how much, not of what ("lack of sleep" names sleep), and of
        # the twitch itself ("is your chin twitching causing you concern").
        self._not_causes = set(self.matcher.spelled_words(NOT_CAUSES))
        self._topics: dict[int, Reply] = {}
        self._entry_replies: dict[str, Reply] = {}
        self._small_talk = {
            normalize(phrase): item for item in content.small_talk for phrase in item.phrases
        }
        # The small talk each word of its phrases belongs to; filler words ("so",
        # "much", "you") and words of more than one kind ("good" of "good
        # morning" and "good night": "good bot" got "Goodbye") belong to none.
        # A word that is a phrase on its own ("thanks", "ok") belongs to that kind.
        owners: dict[str, set[str]] = {}
        for phrase, item in self._small_talk.items():
            for word in phrase.split():
                owners.setdefault(word, set()).add(item.id)
        # A question's words ("are you a doctor", "is this the magnesium doctor")
        # belong to none: they are words of the FAQ's questions too. Nor does a
        # single letter ("u" of "thank u": "r u a real doctor" got "You're welcome").
        self._small_talk_words: dict[str, SmallTalk] = {
            word: item
            for phrase, item in self._small_talk.items()
            if phrase.split()[0] not in QUESTION_OPENERS
            for word in phrase.split()
            if word not in SMALL_TALK_FILLER and len(owners[word]) == 1 and len(word) > 1
        }
        self._small_talk_words.update(
            {
                p: i
                for p, i in self._small_talk.items()
                if " " not in p and p not in SMALL_TALK_FILLER
            }
        )

    # -- free text ----------------------------------------------------------

    def on_text(self, state: State, text: str) -> Reply:
        # Safety reads the whole message first: a sign happening now gets the
        # emergency advice; one that may not be (a past event, a question about a
        # condition) gets the emergency line before the reply, never instead of it.
        found = self.emergency.assess(text)
        if found is not None and found.urgency == "emergency":
            state.pop(CHECK_KEY, None)
            return self._emergency_reply(text)
        # Thoughts of suicide, an overdose: advice of their own, first.
        situation = self.situations.find(text)
        if situation is not None:
            state.pop(CHECK_KEY, None)
            return self._emergency_reply(text, situation.message)
        if self.emergency.is_foreign(text):
            em = self.content.emergency
            # It carries the emergency line too: the bot cannot read what it says.
            return Reply(
                (Section(em.other_language),), "fallback", self._menu_buttons(), urgent=True
            )
        reply = self._reply_to_text(state, text)
        if found is None:
            return reply
        em = self.content.emergency
        line = Section(em.after_fainting if found.fainted and em.after_fainting else em.if_now)
        if self._passed_recently(found.sign, text) and em.passed_signs is not None:
            line = Section(em.passed_signs.line)
        return replace(reply, sections=(line, *reply.sections), urgent=True)

    def _passed_recently(self, sign: str, text: str) -> bool:
        """A stroke sign told as over within the last days ("yesterday my face
        drooped for 10 minutes"): faq.yaml `emergency.passed_signs`."""
        passed = self.content.emergency.passed_signs
        if passed is None or sign not in passed.signs:
            return False
        said = f" {normalize(text, limit=len(text) + 16)} "
        return any(f" {normalize(r)} " in said for r in passed.recent)

    def _reply_to_text(self, state: State, text: str) -> Reply:
        normalized = normalize(text)
        if not normalized:
            return self._simple("empty", self.content.ui["empty"], self._menu_buttons())
        current = self._check_state(state)
        if current is not None:
            if normalized in self._typed_cancel:
                return self.cancel_check(state)
            back = normalized in self._typed_back
            if back and self.check.depth(current) > 0:
                self.check.back(current)
                state[CHECK_KEY] = current
                return self._check_step_reply(state, nudge=False, edit=False)
            option = self._typed_option(current, normalized)
            if option is None:
                # A question the FAQ answers outright gets its answer, and the check
                # goes on below it; anything else gets the nudge.
                answered = self._answer_during_check(text, normalized)
                return self._check_step_reply(state, nudge=answered is None, before=answered)
            answer = CheckAnswer(current["nonce"], self.check.depth(current), option)
            return replace(self._check_button(state, answer), edit=False)
        if normalized.isdigit():
            return self._simple("empty", self.content.ui["number_only"], self._menu_buttons())
        if normalized in self._typed_cancel_outside:
            return self.cancel_check(state)  # "there is nothing to cancel"
        typed = self._typed_buttons.get(normalized)
        if typed is not None:
            return self.on_button(state, typed.encode())
        reply = self._matched_text_reply(text, normalized)
        if len(text) > MAX_READ_CHARS:
            note = Section(self.content.ui["too_long_note"])
            reply = replace(reply, sections=(*reply.sections, note))
        return reply

    def _answer_during_check(self, text: str, normalized: str) -> Reply | None:
        """The answer to a question typed during the doctor check, if the FAQ
        answers it outright ("does stress cause twitching?"); None for anything
        else (a reply to the check's question in words, a "did you mean")."""
        asks = "?" in text or normalized.split()[0] in QUESTION_OPENERS
        if not asks:
            return None
        reply = self._matched_text_reply(text, normalized)
        return reply if reply.kind == "answer" else None

    def _matched_text_reply(self, text: str, normalized: str) -> Reply:
        """Small talk, or the matcher's answer, "did you mean" or fallback."""
        reply = self._small_talk_reply(normalized, exact=True)
        if reply is None:
            analysis = self.matcher.analyse(text)
            reply = self._matched_reply(analysis, text)
            if reply.kind == "answer" and self._about_other_twitch(text):
                note = Section(self.content.ui["other_twitch_note"])
                reply = replace(reply, sections=(note, *reply.sections))
            if reply.entry in self.content.thresholds.illness_entries:
                # These answers begin "Yes, ...": about causes in general, never a
                # verdict on a cause named or on the twitching of the writer or of
                # someone they tell of ("my 6yo's eyelid keeps flickering").
                if self._unnamed_cause(normalized):
                    note = Section(self.content.ui["unnamed_cause_note"])
                    reply = replace(reply, sections=(note, *reply.sections))
                elif OWN.intersection(normalized.split()):
                    note = Section(self.content.ui["own_cause_note"])
                    reply = replace(reply, sections=(note, *reply.sections))
            if reply.entry in self.content.thresholds.forms_entries and self._names_a_form(
                normalized
            ):
                note = Section(self.content.ui["forms_note"])
                reply = replace(reply, sections=(note, *reply.sections))
            if reply.kind == "fallback":
                reply = self._small_talk_reply(normalized, exact=False) or reply
        return reply

    def _names_a_form(self, normalized: str) -> bool:
        """Whether the message names a supplement form ("glycinate")."""
        said = f" {normalized} "
        return any(f" {form} " in said for form in self.content.thresholds.forms)

    def _small_talk_reply(self, normalized: str, exact: bool) -> Reply | None:
        """Greeting, thanks, help or bye, only when the message is small talk.
        Exact: a run of small-talk phrases and filler words ("thx bye": the last
        phrase decides), or a message of small-talk and stop words only ("thank
        you so much, that really helped") that does not begin as a question.
        Otherwise (the matcher could not answer it) such a message, or a short
        one close in spelling to a phrase ("thnks"). A question ("is that ok",
        "how does it work") is never taken for thanks or goodbye, only for help."""
        normalized = " ".join(TEXTED.get(t, t) for t in normalized.split())
        bare = " ".join(t for t in normalized.split() if t not in POLITE)
        if bare != normalized and bare in self._small_talk:
            normalized = bare
        tokens = normalized.split()
        item = self._small_talk_run(tokens)
        asks = bool(tokens) and tokens[0] in QUESTION_OPENERS
        if item is None and not (exact and asks):
            owners = [self._small_talk_words.get(t) for t in tokens]
            # "hello when should i see a doctor" is small talk and stop words only
            # ("see" of "see you"), but asks after the greeting ("what can you help
            # me with" asks for help).
            if all(
                o is not None or t in STOP_WORDS or t in SMALL_TALK_FILLER
                for o, t in zip(owners, tokens, strict=True)
            ) and not (
                QUESTION_OPENERS.intersection(tokens[1:])
                and any(o is not None and o.id != "help" for o in owners)
            ):
                item = next((o for o in reversed(owners) if o is not None), None)
        if item is None and not exact and len(tokens) <= SMALL_TALK_MAX_WORDS:
            best = max(self._small_talk, key=lambda p: (fuzz.ratio(normalized, p), p))
            if fuzz.ratio(normalized, best) >= SMALL_TALK_MIN_RATIO:
                item = self._small_talk[best]
        # A question is small talk only as one of its phrases ("are you a doctor"),
        # or as help; never thanks for "is that ok".
        if item is None or (asks and item.id != "help" and normalized not in self._small_talk):
            return None
        if item.id == "help":  # typed "help" gets what /help gets
            return replace(self.help(), kind="smalltalk")
        buttons = self._menu_buttons() if item.menu else ()
        return Reply((Section(item.reply),), "smalltalk", buttons)

    def _unnamed_cause(self, normalized: str) -> bool:
        """Whether the message asks if something causes it ("can vaping cause lip
        twitching") that no answer names: the cause answers begin "Yes, ..."."""
        asked = CAUSE_ASKED.search(normalized)
        if asked is None:
            return False
        named = [
            w
            for w in self.matcher.spelled_words(asked.group(1) or asked.group(2))
            if w not in self._not_causes
        ]
        return not all(self._named_in_answers(w) for w in named)

    def _named_in_answers(self, word: str) -> bool:
        """A word of the answers, a slip of one ("magnesuim") or the start of one
        ("hypomag" of "hypomagnesemia"); "contraceptive" is none of these for
        "contractions"."""
        return word in self._answer_words or any(
            (len(word) >= NAMED_MIN_LETTERS and known.startswith(word))
            or (len(word) >= NAMED_MIN_LETTERS and OSA.distance(word, known) <= 1)
            for known in self._answer_words
        )

    def _about_other_twitch(self, text: str) -> bool:
        """Whether a message is about the eyelid, cheek or face and not the lip
        (synonyms in faq.yaml map those words to "face")."""
        found = set(self.matcher.lexicon.content_words(text))
        return "face" in found and "lip" not in found

    def _small_talk_run(self, tokens: list[str]) -> SmallTalk | None:
        """The small talk of the last phrase when the words are whole phrases and
        filler words, one after another; else None."""
        # ends[i]: the small talk of the last phrase of a run covering tokens[:i]
        # (None: filler only so far), for each i such a run reaches.
        ends: dict[int, SmallTalk | None] = {0: None}
        longest = max((len(p.split()) for p in self._small_talk), default=1)
        for i in range(len(tokens)):
            if i not in ends:
                continue
            if tokens[i] in SMALL_TALK_FILLER:
                ends.setdefault(i + 1, ends[i])
            for n in range(1, min(longest, len(tokens) - i) + 1):
                item = self._small_talk.get(" ".join(tokens[i : i + n]))
                if item is not None:
                    ends[i + n] = item
        return ends.get(len(tokens))

    def _matched_reply(self, analysis: Analysis, text: str) -> Reply:
        """The decision for the message `text` as a reply."""
        match = analysis.match
        ids = tuple(c.entry_id for c in match.candidates)
        # Not offered as buttons either ("how much a day" under an answer to a 14-year-old).
        hidden = analysis.withheld
        if match.outcome == "answer" and match.entry_id is not None:
            entry = self.content.by_id[match.entry_id]
            also = [self.content.by_id[i] for i in analysis.also if i in self.content.by_id][:2]
            # Further answers are "You also asked" only if the message asks twice.
            asked_more = bool(also) and asks_two_questions(text)
            reply = self.entry_reply(entry, also, asked_more, first=analysis.next, hide=hidden)
            return Reply(
                reply.sections,
                "answer",
                reply.buttons,
                reply.footer,
                entry.id,
                match.score,
                (entry.id, *(e.id for e in also)),
            )
        if match.outcome == "clarify":
            # The entry's short label, as everywhere else: full questions get cut off on phones.
            rows = [(Button.of(self.content.by_id[i].short, ShowEntry(i)),) for i in ids]
            rows.append((Button.of(self.content.buttons["none_of_these"], NoneOfThese()),))
            intro = "clarify_beyond_article" if match.beyond_article else "clarify_intro"
            return Reply(
                (Section(self.content.ui[intro]),),
                "clarify",
                tuple(rows),
                score=match.score,
                candidates=ids,
            )
        topics = self.topics()
        buttons = tuple(row for row in topics.buttons if _shown_entry(row[0].data) not in hidden)
        return Reply(
            (Section(self.content.ui["fallback"]),),
            "fallback",
            buttons,
            score=match.score,
            candidates=ids,
        )

    # -- content replies ----------------------------------------------------

    def entry_reply(
        self,
        entry: Entry,
        also: list[Entry] | None = None,
        asked_more: bool = True,
        *,
        first: str | None = None,
        hide: frozenset[str] = frozenset(),
    ) -> Reply:
        """An entry's answer (and those of a message's further questions); `first`
        leads the follow-up buttons (an entry that answers the question well too);
        entries in `hide` get no button."""
        if also or first or hide & set(entry.related):
            return self._entry_reply(entry, also or [], asked_more, first, hide)
        # Replies are immutable: an entry's own answer is built once.
        reply = self._entry_replies.get(entry.id)
        if reply is None:
            reply = self._entry_replies[entry.id] = self._entry_reply(
                entry, [], True, None, frozenset()
            )
        return reply

    def _entry_reply(
        self,
        entry: Entry,
        also: list[Entry],
        asked_more: bool,
        first: str | None,
        hide: frozenset[str],
    ) -> Reply:
        sections = self._answer_sections(entry)
        if also:
            # "You also asked" only to someone who did; otherwise the extra answer
            # came from context they gave ("my dad barely eats ... could it be ...?").
            header = "also_asked" if asked_more else "also_related"
            sections.append(Section(self.content.ui[header]))
            for e in also:
                sections.extend(self._answer_sections(e))
        shown = {entry.id, *(e.id for e in also), *hide}
        follow = [first] if first is not None and first in self.content.by_id else []
        follow += [r for r in entry.related if r != first]
        rows: list[tuple[Button, ...]] = [
            (Button.of(self.content.by_id[r].short, ShowEntry(r)),)
            for r in follow
            if r not in shown
        ]
        b = self.content.buttons
        rows.insert(
            0,
            (
                Button.of(b["helpful"], Feedback(entry.id, helpful=True)),
                Button.of(b["not_helpful"], Feedback(entry.id, helpful=False)),
            ),
        )
        # The check sits in the same place under every answer, so people find it.
        rows.append((Button.of(b["topics"], Topics()), Button.of(b["doctor_check"], StartCheck())))
        return Reply(
            tuple(sections),
            "answer",
            tuple(rows),
            footer=self.content.disclaimer,
            entry=entry.id,
            score=100.0,
            candidates=(entry.id,),
        )

    def _answer_sections(self, entry: Entry) -> list[Section]:
        """An entry's answer, and where it comes from when not from the article."""
        sections = [Section(entry.answer, entry.question)]
        if entry.sources:
            label = self.content.check_ui["sources"]
            sections.append(Section(f"{label} {'; '.join(entry.sources)}"))
        return sections

    def topics(self, page: int = 0) -> Reply:
        """Every entry as a button, TOPICS_PER_PAGE at a time (Telegram allows
        at most 100 buttons under a message); the doctor check always."""
        entries = self.content.entries
        pages = max(1, -(-len(entries) // TOPICS_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        # Replies are immutable: each page is built once (fallbacks show page 0).
        cached = self._topics.get(page)
        if cached is not None:
            return cached
        shown = entries[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
        rows: list[tuple[Button, ...]] = [(Button.of(e.short, ShowEntry(e.id)),) for e in shown]
        if pages > 1:
            nav = []
            if page > 0:
                nav.append(Button.of(f"◀ {page}/{pages}", Topics(page - 1)))
            if page < pages - 1:
                nav.append(Button.of(f"{page + 2}/{pages} ▶", Topics(page + 1)))
            rows.append(tuple(nav))
        rows.append((Button.of(self.content.buttons["doctor_check"], StartCheck()),))
        reply = Reply((Section(self.content.ui["topics_intro"]),), "topics", tuple(rows))
        self._topics[page] = reply
        return reply

    def welcome(self, state: State, payload: str | None = None) -> Reply:
        """/start, optionally with a deep-link payload naming an entry or the check."""
        if payload:
            key = payload.strip().lower().replace("_", "-")
            if key in self.content.by_id:
                return self.entry_reply(self.content.by_id[key])
            if key in CHECK_PAYLOADS or payload.lower() in CHECK_PAYLOADS:
                return self.start_check(state, edit=False)
        return self._simple("menu", self.content.ui["welcome"], self._menu_buttons())

    def help(self) -> Reply:
        # Not its own button again below itself.
        buttons = tuple(
            row for row in self._menu_buttons() if not isinstance(decode(row[0].data), HowToAsk)
        )
        return self._simple("help", self.content.ui["how_to_ask"], buttons)

    def about(self) -> Reply:
        src = self.content.source
        text = f"{src.more_info}\n{src.more_info_url}"
        return Reply(
            (Section(text, src.title),),
            "about",
            self._menu_buttons(),
            footer=self.content.disclaimer,
        )

    def _emergency_reply(self, text: str, advice: str | None = None) -> Reply:
        """The emergency advice (or a situation's own `advice`) first and alone.
        Below it, for someone who is not in an emergency (a calm message can read
        as one, and asking again would give the same alarm), one neutral button to
        the answer the message would have got, if it would have got one; and the
        topics. The button carries the entry's id, not the message."""
        answer = self._answer_for(text)
        rows: list[tuple[Button, ...]] = []
        if answer is not None:
            rows.append((Button.of(self.content.buttons["not_an_emergency"], ShowEntry(answer)),))
        rows.append((Button.of(self.content.buttons["topics"], Topics()),))
        note = "emergency_continue" if answer is None else "emergency_continue_answer"
        sections = [Section(advice or self.content.emergency.message)]
        # A situation's advice (thoughts of suicide) is not followed by "if this is
        # not an emergency, ask on"; only a button to an answer needs its line.
        if advice is None or answer is not None:
            sections.append(Section(self.content.ui[note]))
        return Reply(
            tuple(sections),
            "emergency",
            tuple(rows),
            footer=self.content.disclaimer,
            urgent=True,
        )

    def _answer_for(self, text: str) -> str | None:
        """The entry the matcher would answer `text` with; None when it would ask
        back or fall back, or fails: nothing may keep the emergency advice from
        going out."""
        try:
            return self._answered_entry(text)
        except Exception as exc:  # the advice goes out whatever matching does
            # The error's type only: a traceback or message could quote the user.
            log.error("matching failed under an emergency reply (%s)", type(exc).__name__)
            return None

    def _answered_entry(self, text: str) -> str | None:
        """The entry the matcher answers the message with, or else a later part
        of it: "my arm went numb, what foods have magnesium?" asks beside the sign
        (a part with no sign in it, asking), unless it points back at the sign ("i
        had a seizure, is it low magnesium?" must not read as a diagnosis)."""
        for part in (text, *PARTS.split(text)[1:]):
            words = normalize(part).split()
            if part is not text and (
                not words
                or words[0] not in QUESTION_WORDS
                or POINTING_BACK.intersection(words)
                or self.emergency.assess(part)
            ):
                continue
            match = self.matcher.analyse(part).match
            if match.outcome == "answer" and match.entry_id in self.content.by_id:
                return match.entry_id
        return None

    def _menu_buttons(self) -> tuple[tuple[Button, ...], ...]:
        b = self.content.buttons
        return (
            (Button.of(b["topics"], Topics()),),
            (Button.of(b["doctor_check"], StartCheck()),),
            (Button.of(b["how_to_ask"], HowToAsk()),),
        )

    def _simple(self, kind: str, text: str, buttons: tuple[tuple[Button, ...], ...]) -> Reply:
        return Reply((Section(text),), kind, buttons)

    def unknown_command(self) -> Reply:
        return self._simple(
            "unknown-command", self.content.ui["unknown_command"], self._menu_buttons()
        )

    def expired(self) -> Reply:
        return self._simple("expired", self.content.ui["expired"], self._menu_buttons())

    # -- buttons ------------------------------------------------------------

    def on_button(self, state: State, data: str) -> Reply:
        """Act on a pressed button. Unknown, forged or stale data gets `expired`."""
        match decode(data):
            case ShowEntry(entry_id) if entry_id in self.content.by_id:
                return self.entry_reply(self.content.by_id[entry_id])
            case Menu():
                return self.menu()
            case Topics(page):
                return self.topics(page)
            case HowToAsk():
                return self.help()
            case NoneOfThese():
                return self._none_of_these()
            case StartCheck():
                return self.start_check(state, edit=False)
            case Feedback(entry_id, helpful):
                return self._feedback(entry_id, helpful)
            case CheckAnswer() | CheckBack() | CheckCancel() as action:
                try:
                    return self._check_button(state, action)
                except (StaleButton, ValueError):
                    # A button of an earlier question or check: its message shows
                    # where the check is now.
                    if self.in_check(state):
                        stale = self.content.check_ui["stale"]
                        return self._check_step_reply(state, note=stale, edit=True)
                    return self.expired()
        return self.expired()

    def _feedback(self, entry_id: str, helpful: bool) -> Reply:
        """👍 thanks quietly; 👎 offers another way to ask."""
        if entry_id not in self.content.by_id:
            return self.expired()
        thanks = self.content.ui["feedback_thanks"]
        if helpful:
            return Reply((), "feedback-up", entry=entry_id, toast=thanks)
        # The topics, without the answer that did not help.
        rejected = ShowEntry(entry_id)
        buttons = tuple(r for r in self.topics().buttons if decode(r[0].data) != rejected)
        return Reply(
            (Section(self.content.ui["feedback_down"]),),
            "feedback-down",
            buttons,
            entry=entry_id,
            toast=thanks,
        )

    def menu(self) -> Reply:
        return self._simple("menu", self.content.ui["welcome"], self._menu_buttons())

    def _none_of_these(self) -> Reply:
        topics = self.topics()
        return Reply((Section(self.content.ui["none_of_these"]),), "fallback", topics.buttons)

    # -- the doctor check ---------------------------------------------------

    def _check_state(self, state: State) -> dict[str, Any] | None:
        current = state.get(CHECK_KEY)
        if current is None:
            return None
        if not self.check.is_valid(current):
            state.pop(CHECK_KEY, None)  # from an older faq.yaml or damaged: start clean
            return None
        result: dict[str, Any] = current
        return result

    def in_check(self, state: State) -> bool:
        return self._check_state(state) is not None

    def forget_ended_check(self, state: State) -> bool:
        """Delete a check that can no longer go on (left unfinished for a day, or
        begun under other questions); whether there was one."""
        return CHECK_KEY in state and self._check_state(state) is None

    def leave_check(self, state: State) -> None:
        """The person went elsewhere (/start, /topics, /menu): the check ends."""
        state.pop(CHECK_KEY, None)

    def start_check(self, state: State, edit: bool = False) -> Reply:
        state[CHECK_KEY] = self.check.begin()
        return self._check_step_reply(state, nudge=False, edit=edit, intro=True)

    def cancel_check(self, state: State, edit: bool = False) -> Reply:
        if state.pop(CHECK_KEY, None) is None:
            return self._simple(
                "nothing-to-cancel", self.content.ui["nothing_to_cancel"], self._menu_buttons()
            )
        text = self.content.check_ui["cancelled"]
        return Reply((Section(text),), "check-cancelled", self._menu_buttons(), edit=edit)

    def _check_button(self, state: State, action: CheckAnswer | CheckBack | CheckCancel) -> Reply:
        current = self._check_state(state)
        if current is None:
            raise StaleButton
        if isinstance(action, CheckCancel):
            if action.nonce != current["nonce"]:
                raise StaleButton
            return self.cancel_check(state, edit=True)
        self.check.verify(current, action.nonce, action.depth)
        if isinstance(action, CheckBack):
            self.check.back(current)
            state[CHECK_KEY] = current
            return self._check_step_reply(state, nudge=False, edit=True)
        advance = self.check.choose(current, action.option)
        if advance.outcome is not None:
            state.pop(CHECK_KEY, None)  # answers are kept only while the check runs
            return self._outcome_reply(advance.outcome)
        state[CHECK_KEY] = current
        return self._check_step_reply(state, nudge=False, edit=True)

    def _typed_option(self, current: dict[str, Any], typed: str) -> int | None:
        """The option of the current step whose whole label is typed ("yes", "not
        sure"; "nope" is "no"), or, for "no", whose label begins "No," ("No, I
        haven't fainted"). Not "yes" for "Yes, with one of these": it might mean
        "yes, I fainted" alone, so it gets the nudge."""
        typed = TYPED_ANSWERS.get(typed, typed)
        labels = [o.label for o in self.check.current(current).options]
        fits = [i for i, label in enumerate(labels) if normalize(label) == typed]
        if not fits and typed == "no":
            fits = [i for i, label in enumerate(labels) if normalize(label.split(",")[0]) == "no"]
        return fits[0] if len(fits) == 1 else None

    def _check_step_reply(
        self,
        state: State,
        *,
        nudge: bool = False,
        edit: bool = False,
        intro: bool = False,
        note: str | None = None,
        before: Reply | None = None,
    ) -> Reply:
        """The check's current question with its buttons; `before`: an answer shown
        first (its disclaimer stays the message's footer)."""
        current = state[CHECK_KEY]
        step: Step = self.check.current(current)
        nonce, depth = current["nonce"], self.check.depth(current)
        total = self.check.most_steps
        rows: list[tuple[Button, ...]] = [
            (Button.of(opt.label, CheckAnswer(nonce, depth, i)),)
            for i, opt in enumerate(step.options)
        ]
        b = self.content.buttons
        nav = [Button.of(b["back"], CheckBack(nonce, depth))] if depth > 0 else []
        nav.append(Button.of(b["cancel"], CheckCancel(nonce)))
        rows.append(tuple(nav))
        sections = list(before.sections) if before is not None else []
        if before is not None:
            sections.append(Section(self.content.check_ui["still_in_check"]))
        if intro:
            sections.append(Section(self.content.check_ui["intro"]))
        if nudge:
            sections.append(Section(self.content.check_ui["nudge"]))
        if note is not None:
            sections.append(Section(note))
        progress = self.content.check_ui["progress"].format(n=depth + 1, total=total)
        sections.append(Section(step.question, progress))
        footer = before.footer if before is not None else None
        return Reply(tuple(sections), "check", tuple(rows), footer, edit=edit)

    def _outcome_reply(self, outcome: Outcome) -> Reply:
        b = self.content.buttons
        sources = self.content.check_ui["sources"] + " " + "; ".join(outcome.sources)
        return Reply(
            (
                Section(outcome.text, outcome.title),
                Section(sources),
                Section(self.content.check_ui["outcome_footer"]),
            ),
            "check-outcome",
            (
                (Button.of(b["restart"], StartCheck()),),
                (Button.of(b["topics"], Topics()), Button.of(b["menu"], Menu())),
            ),
            footer=self.content.disclaimer,
            entry=outcome.id,
            edit=True,
        )
