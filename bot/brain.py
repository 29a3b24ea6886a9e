"""The dialogue: turns a message or a button press plus the user's state into a Reply.

Plain Python, no Telegram: the console chat and the Telegram adapter both call
`Brain.on_text`, `Brain.on_button` and the command helpers. The per-user state
is a mutable mapping the caller keeps (PTB's user_data, or a dict in the
console); the brain keeps in it only the doctor check in progress.

Button data (at most 64 bytes):
  e:<entry id>                   show an entry
  m / t / h / n                  menu / topics / how to ask / none of these
  d                              start (or restart) the doctor check
  c:<nonce>:<depth>:<option>     answer the current step of the check
  b:<nonce>:<depth> / x:<nonce>  back / cancel in the check
  f:<entry id>:up / f:<entry id>:down   feedback on an answer
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import replace
from typing import Any

from rapidfuzz import fuzz

from bot.content import Content, Entry, Outcome, SmallTalk, Step
from bot.doctor_check import DoctorCheckFlow, StaleButton
from bot.matcher import Analysis, Matcher
from bot.replies import Button, Reply, Section
from bot.safety import EmergencyDetector
from bot.text import MAX_READ_CHARS, STOP_WORDS, normalize

State = MutableMapping[str, Any]
CHECK_KEY = "check"
# A message no longer than this many words may be small talk ("thanks a lot").
SMALL_TALK_MAX_WORDS = 5
SMALL_TALK_MIN_RATIO = 88.0
# Entries listed per page of the topics menu.
TOPICS_PER_PAGE = 20
SMALL_TALK_FILLER = (
    *("so", "much", "very", "a", "lot", "you", "bot", "again", "and", "all", "for"),
    *("pls", "plz", "please"),
)
# A message beginning with one of these asks something: never thanks or goodbye.
QUESTION_OPENERS = frozenset(
    "is are am can could does do did how what whats why when where which who should will would".split()
)
# Deep-link payloads that open the doctor check.
CHECK_PAYLOADS = frozenset({"check", "doctor", "doctor-check", "doctor_check"})


class Brain:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.matcher = Matcher(content)
        self.emergency = EmergencyDetector(content.emergency)
        self.check = DoctorCheckFlow(content.doctor_check)
        self._topics: dict[int, Reply] = {}
        self._entry_replies: dict[str, Reply] = {}
        self._small_talk = {
            normalize(phrase): item for item in content.small_talk for phrase in item.phrases
        }
        # The small talk each word of its phrases belongs to (the last one wins);
        # filler words ("so", "much", "you") belong to none.
        self._small_talk_words: dict[str, SmallTalk] = {
            word: item
            for phrase, item in self._small_talk.items()
            for word in phrase.split()
            if word not in SMALL_TALK_FILLER
        }

    # -- free text ----------------------------------------------------------

    def on_text(self, state: State, text: str) -> Reply:
        normalized = normalize(text)
        if not normalized:
            return self._simple("empty", self.content.ui["empty"], self._menu_buttons())
        sign = self.emergency.detect(text)
        if sign is not None:
            state.pop(CHECK_KEY, None)
            return self._emergency_reply()
        if self._check_state(state) is not None:
            return self._check_step_reply(state, nudge=True, edit=False)
        reply = self._small_talk_reply(normalized, exact=True)
        if reply is None:
            analysis = self.matcher.analyse(text)
            reply = self._matched_reply(analysis)
            if reply.kind == "answer" and self._about_other_twitch(text):
                note = Section(self.content.ui["other_twitch_note"])
                reply = replace(reply, sections=(note, *reply.sections))
            if reply.kind == "fallback":
                reply = self._small_talk_reply(normalized, exact=False) or reply
        if len(text) > MAX_READ_CHARS:
            note = Section(self.content.ui["too_long_note"])
            reply = replace(reply, sections=(*reply.sections, note))
        return reply

    def _small_talk_reply(self, normalized: str, exact: bool) -> Reply | None:
        """Greeting, thanks, help or bye, only when the message is small talk.
        Exact: a run of small-talk phrases and filler words ("thx bye": the last
        phrase decides), or a message of small-talk and stop words only ("thank
        you so much, that really helped") that does not begin as a question.
        Otherwise (the matcher could not answer it) such a message, or a short
        one close in spelling to a phrase ("thnks"). A question ("is that ok",
        "how does it work") is never taken for thanks or goodbye, only for help."""
        tokens = normalized.split()
        item = self._small_talk_run(tokens)
        asks = bool(tokens) and tokens[0] in QUESTION_OPENERS
        if item is None and not (exact and asks):
            owners = [self._small_talk_words.get(t) for t in tokens]
            if all(
                o is not None or t in STOP_WORDS or t in SMALL_TALK_FILLER
                for o, t in zip(owners, tokens, strict=True)
            ):
                item = next((o for o in reversed(owners) if o is not None), None)
        if item is None and not exact and len(tokens) <= SMALL_TALK_MAX_WORDS:
            best = max(self._small_talk, key=lambda p: (fuzz.ratio(normalized, p), p))
            if fuzz.ratio(normalized, best) >= SMALL_TALK_MIN_RATIO:
                item = self._small_talk[best]
        if item is None or (asks and item.id != "help"):
            return None
        buttons = self._menu_buttons() if item.id in {"greeting", "help"} else ()
        return Reply((Section(item.reply),), "smalltalk", buttons)

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

    def _matched_reply(self, analysis: Analysis) -> Reply:
        match = analysis.match
        ids = tuple(c.entry_id for c in match.candidates)
        if match.outcome == "answer" and match.entry_id is not None:
            entry = self.content.by_id[match.entry_id]
            also = [self.content.by_id[i] for i in analysis.also if i in self.content.by_id][:2]
            reply = self.entry_reply(entry, also, first=analysis.next)
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
            rows = [(Button(self.content.by_id[i].question, f"e:{i}"),) for i in ids]
            rows.append((Button(self.content.buttons["none_of_these"], "n"),))
            return Reply(
                (Section(self.content.ui["clarify_intro"]),),
                "clarify",
                tuple(rows),
                score=match.score,
                candidates=ids,
            )
        topics = self.topics()
        return Reply(
            (Section(self.content.ui["fallback"]),),
            "fallback",
            topics.buttons,
            score=match.score,
            candidates=ids,
        )

    # -- content replies ----------------------------------------------------

    def entry_reply(
        self, entry: Entry, also: list[Entry] | None = None, *, first: str | None = None
    ) -> Reply:
        """An entry's answer (and those of a message's further questions); `first`
        leads the follow-up buttons (an entry that answers the question well too)."""
        if also or first:
            return self._entry_reply(entry, also or [], first)
        # Replies are immutable: an entry's own answer is built once.
        reply = self._entry_replies.get(entry.id)
        if reply is None:
            reply = self._entry_replies[entry.id] = self._entry_reply(entry, [], None)
        return reply

    def _entry_reply(self, entry: Entry, also: list[Entry], first: str | None) -> Reply:
        sections = self._answer_sections(entry)
        if also:
            sections.append(Section(self.content.ui["also_asked"]))
            for e in also:
                sections.extend(self._answer_sections(e))
        shown = {entry.id, *(e.id for e in also)}
        follow = [first] if first is not None and first in self.content.by_id else []
        follow += [r for r in entry.related if r != first]
        rows: list[tuple[Button, ...]] = [
            (Button(self.content.by_id[r].short, f"e:{r}"),) for r in follow if r not in shown
        ]
        b = self.content.buttons
        rows.insert(
            0,
            (
                Button(b["helpful"], f"f:{entry.id}:up"),
                Button(b["not_helpful"], f"f:{entry.id}:down"),
            ),
        )
        if entry.offer_check or any(e.offer_check for e in also):
            rows.insert(0, (Button(b["doctor_check"], "d"),))
            rows.append((Button(b["topics"], "t"),))
        else:
            rows.append((Button(b["topics"], "t"), Button(b["doctor_check"], "d")))
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
        rows: list[tuple[Button, ...]] = [(Button(e.short, f"e:{e.id}"),) for e in shown]
        if pages > 1:
            nav = []
            if page > 0:
                nav.append(Button(f"◀ {page}/{pages}", f"t:{page - 1}"))
            if page < pages - 1:
                nav.append(Button(f"{page + 2}/{pages} ▶", f"t:{page + 1}"))
            rows.append(tuple(nav))
        rows.append((Button(self.content.buttons["doctor_check"], "d"),))
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
        return self._simple("help", self.content.ui["how_to_ask"], self._menu_buttons())

    def about(self) -> Reply:
        src = self.content.source
        text = f"{src.more_info}\n{src.more_info_url}"
        return Reply(
            (Section(text, src.title),),
            "about",
            self._menu_buttons(),
            footer=self.content.disclaimer,
        )

    def _emergency_reply(self) -> Reply:
        em = self.content.emergency
        return Reply(
            (Section(em.message), Section(self.content.ui["emergency_continue"])),
            "emergency",
            ((Button(self.content.buttons["topics"], "t"),),),
            footer=self.content.disclaimer,
        )

    def _menu_buttons(self) -> tuple[tuple[Button, ...], ...]:
        b = self.content.buttons
        return (
            (Button(b["topics"], "t"),),
            (Button(b["doctor_check"], "d"),),
            (Button(b["how_to_ask"], "h"),),
        )

    def _simple(self, kind: str, text: str, buttons: tuple[tuple[Button, ...], ...]) -> Reply:
        return Reply((Section(text),), kind, buttons)

    def expired(self) -> Reply:
        return self._simple("expired", self.content.ui["expired"], self._menu_buttons())

    # -- buttons ------------------------------------------------------------

    def on_button(self, state: State, data: str) -> Reply:
        """Act on a pressed button. Unknown, forged or stale data gets `expired`."""
        kind, _, rest = data.partition(":")
        if kind == "e" and rest in self.content.by_id:
            return self.entry_reply(self.content.by_id[rest])
        simple = {"m": self.menu, "t": self.topics, "h": self.help, "n": self._none_of_these}
        if kind in simple and not rest:
            return simple[kind]()
        if kind == "t" and rest.isdigit() and len(rest) <= 4:
            return self.topics(int(rest))
        if kind == "d" and not rest:
            return self.start_check(state, edit=False)
        if kind == "f":
            return self._feedback(rest)
        if kind in {"c", "b", "x"}:
            try:
                return self._check_button(state, kind, rest)
            except (StaleButton, ValueError):
                return self.expired()
        return self.expired()

    def _feedback(self, rest: str) -> Reply:
        """👍 thanks quietly; 👎 offers another way to ask. `kind` says which vote."""
        entry_id, _, vote = rest.partition(":")
        if entry_id not in self.content.by_id or vote not in {"up", "down"}:
            return self.expired()
        thanks = self.content.ui["feedback_thanks"]
        if vote == "up":
            return Reply((), "feedback-up", entry=entry_id, toast=thanks)
        topics = self.topics()
        return Reply(
            (Section(self.content.ui["feedback_down"]),),
            "feedback-down",
            topics.buttons,
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

    def start_check(self, state: State, edit: bool = False) -> Reply:
        state[CHECK_KEY] = self.check.begin()
        return self._check_step_reply(state, nudge=False, edit=edit, intro=True)

    def cancel_check(self, state: State, edit: bool = False) -> Reply:
        had_check = state.pop(CHECK_KEY, None) is not None
        text = self.content.check_ui["cancelled"] if had_check else self.content.ui["welcome"]
        return Reply((Section(text),), "check-cancelled", self._menu_buttons(), edit=edit)

    def _check_button(self, state: State, kind: str, rest: str) -> Reply:
        current = self._check_state(state)
        if current is None:
            raise StaleButton
        parts = rest.split(":")
        if kind == "x":
            if parts != [current["nonce"]]:
                raise StaleButton
            return self.cancel_check(state, edit=True)
        if kind == "b":
            if len(parts) != 2:
                raise StaleButton
            self.check.verify(current, parts[0], int(parts[1]))
            self.check.back(current)
            state[CHECK_KEY] = current
            return self._check_step_reply(state, nudge=False, edit=True)
        if len(parts) != 3:
            raise StaleButton
        self.check.verify(current, parts[0], int(parts[1]))
        advance = self.check.choose(current, int(parts[2]))
        if advance.outcome is not None:
            state.pop(CHECK_KEY, None)  # answers are kept only while the check runs
            return self._outcome_reply(advance.outcome)
        state[CHECK_KEY] = current
        return self._check_step_reply(state, nudge=False, edit=True)

    def _check_step_reply(
        self, state: State, *, nudge: bool, edit: bool, intro: bool = False
    ) -> Reply:
        current = state[CHECK_KEY]
        step: Step = self.check.current(current)
        nonce, depth = current["nonce"], self.check.depth(current)
        total = len(self.content.doctor_check.steps)
        rows: list[tuple[Button, ...]] = [
            (Button(opt.label, f"c:{nonce}:{depth}:{i}"),) for i, opt in enumerate(step.options)
        ]
        b = self.content.buttons
        nav = [Button(b["back"], f"b:{nonce}:{depth}")] if depth > 0 else []
        nav.append(Button(b["cancel"], f"x:{nonce}"))
        rows.append(tuple(nav))
        sections = []
        if intro:
            sections.append(Section(self.content.check_ui["intro"]))
        if nudge:
            sections.append(Section(self.content.check_ui["nudge"]))
        progress = self.content.check_ui["progress"].format(n=depth + 1, total=total)
        sections.append(Section(step.question, progress))
        return Reply(tuple(sections), "check", tuple(rows), edit=edit)

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
            ((Button(b["restart"], "d"),), (Button(b["topics"], "t"), Button(b["menu"], "m"))),
            footer=self.content.disclaimer,
            entry=outcome.id,
            edit=True,
        )
