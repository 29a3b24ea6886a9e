"""Section 5 (no target, for decisions): what each answer feature costs.

The match latency target of issue 5 (p99 < 0.2 ms on the real faq.yaml) and the
answer quality of issue 2 pull apart: long messages are slow because of what
makes them answered well. This section measures, in one run, the bot as built
and three variants that each drop one more feature, on the same message mix as
section 1 (Brain.on_text, first sight: a fresh brain per pass) and for answer
quality by the leave-one-set-out cross-validation of `make cv` (tuning sets
only; the frozen test splits are not read here):

  as built              every feature
  "and" in one sentence a second question joined by "and" is looked for only in
                        messages of one sentence (the slowest messages are long
                        letters with several sentences and several "and"s)
  one question          a message is one question: no second question answered
                        (no split into sentences or at "and" for separate answers)
  whole message only    ... and the sentences of a long message are not scored
                        on their own (a story around the question dilutes it)
  no second opinion     ... and no word evidence (bot/evidence.py): the overlap
                        score alone decides

The variants are subclasses of the real Matcher overriding one step each; the
bot itself has no switch for them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.messages import DATA, Message
from bench.stats import Summary, new_user, summarize_ns, time_each
from bot import evaluation
from bot import text as bot_text
from bot.brain import Brain
from bot.content import Content
from bot.matcher import Analysis, Candidate, Match, Matcher, _sentences

SEED = 20261128
CV_FILES = ("eval-tune.yaml", *(f"eval-dev{n}.yaml" for n in ("", 2, 3, 4, 5, 6, 7, 8)))


class AndInOneSentence(Matcher):
    def _and_splits(self, text: str) -> list[list[str]]:
        return [] if len(_sentences(text)) > 1 else super()._and_splits(text)


class OneQuestion(Matcher):
    def _and_splits(self, text: str) -> list[list[str]]:
        return []

    def _several(self, *args: Any) -> Analysis | None:
        return None


class WholeMessageOnly(OneQuestion):
    def _pieces(self, text: str, and_splits: list[list[str]]) -> list[str]:
        return [text]

    def _leaders(
        self, text: str, score_piece: Callable[[str], dict[int, float]] | None = None
    ) -> list[Candidate]:
        return self._rank(dict((score_piece or self._score)(text)))


class NoSecondOpinion(WholeMessageOnly):
    def _judge(self, text: str, leaders: list[Candidate]) -> Match:
        return self.decide(leaders)


VARIANTS: tuple[tuple[str, type[Matcher]], ...] = (
    ("as built", Matcher),
    ('"and" in one sentence', AndInOneSentence),
    ("one question", OneQuestion),
    ("whole message only", WholeMessageOnly),
    ("no second opinion", NoSecondOpinion),
)


def brain_with(matcher: type[Matcher]) -> Callable[[Content], Brain]:
    def make(content: Content) -> Brain:
        brain = Brain(content)
        brain.matcher = matcher(content)
        return brain

    return make


@dataclass
class FeatureFigures:
    name: str
    latency: Summary
    answered: float
    clarified: float
    wrong: float
    off_topic_answered: float
    second_question: float

    def as_dict(self) -> dict[str, Any]:
        figures = dict(self.__dict__)
        figures["latency"] = self.latency.as_dict()
        return figures


def run_features(
    content: Content, mix: Sequence[Message], repeats: int, cv_files: Sequence[str] = CV_FILES
) -> list[FeatureFigures]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible order, not secrets
    texts = [m.text for m in mix]
    samples: dict[str, list[int]] = defaultdict(list)
    for _ in range(repeats):
        order = texts[:]
        rng.shuffle(order)
        # Interleaved, so that the variants share whatever else the machine does.
        for name, matcher in VARIANTS:
            bot_text.stem.cache_clear()
            bot_text.normalize.cache_clear()
            samples[name] += time_each(new_user(brain_with(matcher)(content)), order)
    ids = {e.id for e in content.entries}
    sets = {name: evaluation.load_labelled(DATA / name, ids) for name in cv_files}
    out = []
    for name, matcher in VARIANTS:
        _, r = evaluation.cross_validate(content, sets, brain_with(matcher))
        out.append(
            FeatureFigures(
                name,
                summarize_ns(samples[name]),
                r.answered_right,
                r.clarified_right,
                r.wrong_answer,
                r.off_topic_false_answer,
                r.second_question_answered,
            )
        )
    return out
