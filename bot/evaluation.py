"""Bulk testing of content: run a labelled question set through the brain.

A labelled set is a YAML list of items:
  - text: "magnesuim foods"
    expect: foods            # an entry id, or off-topic, emergency, smalltalk
    accept: [supplements]    # optional: other entries that are also right
    also: daily-amount       # optional: the second question of a two-question message
    source: https://...      # optional: where it was found (cross-validation keeps a source together)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.brain import Brain
from bot.content import Content, ContentError, read_yaml
from bot.text import normalize

SPECIAL_LABELS = ("off-topic", "emergency", "smalltalk")


@dataclass(frozen=True)
class LabelledItem:
    text: str
    expect: str
    accept: frozenset[str] = frozenset()
    also: str | None = None
    source: str = ""

    @property
    def in_scope(self) -> bool:
        return self.expect not in SPECIAL_LABELS

    @property
    def right_entries(self) -> frozenset[str]:
        return self.accept | {self.expect}


@dataclass(frozen=True)
class ItemResult:
    item: LabelledItem
    outcome: str
    entry: str | None
    score: float
    candidates: tuple[str, ...]
    urgent: bool = False  # the emergency numbers led the reply (Reply.urgent)


def load_labelled(path: Path | str, known_ids: set[str]) -> list[LabelledItem]:
    """Read a labelled set; raise ContentError naming the item and field at fault."""
    data = read_yaml(Path(path))
    problems: list[str] = []
    items: list[LabelledItem] = []
    if not isinstance(data, list):
        raise ContentError(path, ["must be a list of items with 'text' and 'expect'"])
    valid = known_ids | set(SPECIAL_LABELS)
    for i, raw in enumerate(data):
        where = f"item[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        text, expect = raw.get("text"), raw.get("expect")
        accept, also = raw.get("accept", []), raw.get("also")
        source = raw.get("source", "")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}, field 'text': must be a non-empty string")
        if expect not in valid:
            problems.append(f"{where}, field 'expect': unknown label {expect!r}")
        if not isinstance(accept, list) or any(a not in known_ids for a in accept):
            problems.append(f"{where}, field 'accept': must list entry ids")
        if also is not None and also not in known_ids:
            problems.append(f"{where}, field 'also': unknown entry id {also!r}")
        if not isinstance(source, str):
            problems.append(f"{where}, field 'source': must be a string")
        if not problems:
            items.append(LabelledItem(str(text), str(expect), frozenset(accept), also, str(source)))
    if problems:
        raise ContentError(path, problems)
    return items


def run(brain: Brain, items: list[LabelledItem]) -> list[ItemResult]:
    results = []
    for item in items:
        reply = brain.on_text({}, item.text)
        results.append(
            ItemResult(item, reply.kind, reply.entry, reply.score, reply.candidates, reply.urgent)
        )
    return results


def _pct(n: int, d: int) -> float:
    return round(100.0 * n / d, 1) if d else 0.0


@dataclass
class Report:
    total: int
    in_scope: int
    off_topic: int
    red_flags: int
    small_talk: int
    answered_right: float
    clarified_right: float
    wrong_answer: float
    in_scope_fallback: float
    in_scope_false_emergency: float
    off_topic_false_answer: float
    off_topic_clarified: float
    red_flag_recall: float
    small_talk_right: float
    second_question_answered: float
    per_entry: dict[str, dict[str, float]] = field(default_factory=dict)
    confusions: list[dict[str, Any]] = field(default_factory=list)
    # Messages without a red flag (in scope, off-topic, small talk) given the alarm.
    false_alarms: float = 0.0
    # Red flags given the full emergency advice (recall also counts the one
    # "if this is happening now, call ..." line put before an answer).
    red_flag_alarm: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarize(results: list[ItemResult], entry_ids: list[str]) -> Report:
    ins = [r for r in results if r.item.in_scope]
    off = [r for r in results if r.item.expect == "off-topic"]
    red = [r for r in results if r.item.expect == "emergency"]
    talk = [r for r in results if r.item.expect == "smalltalk"]
    two = [r for r in ins if r.item.also]

    def answered_right(r: ItemResult) -> bool:
        return r.outcome == "answer" and r.entry in r.item.right_entries

    def clarified_right(r: ItemResult) -> bool:
        return r.outcome == "clarify" and bool(r.item.right_entries & set(r.candidates))

    per_entry: dict[str, dict[str, float]] = {}
    answered_as: Counter[str] = Counter(
        r.entry for r in results if r.outcome == "answer" and r.entry
    )
    for eid in entry_ids:
        expected = [r for r in ins if r.item.expect == eid]
        hits = [r for r in expected if answered_right(r)]
        correct_as = sum(
            1
            for r in results
            if r.outcome == "answer" and r.entry == eid and eid in r.item.right_entries
        )
        per_entry[eid] = {
            "support": len(expected),
            "precision": _pct(correct_as, answered_as[eid]) if answered_as[eid] else 100.0,
            "recall": _pct(len(hits), len(expected)),
        }
    confusions = []
    for r in results:
        ok = (
            answered_right(r)
            or (r.item.in_scope and clarified_right(r))
            or (r.item.expect == "off-topic" and r.outcome in {"fallback", "clarify"})
            or (r.item.expect == r.outcome)
        )
        if not ok:
            confusions.append(
                {
                    "text": r.item.text,
                    "expected": r.item.expect,
                    "outcome": r.outcome,
                    "entry": r.entry,
                    "score": r.score,
                    "candidates": list(r.candidates),
                }
            )
    return Report(
        total=len(results),
        in_scope=len(ins),
        off_topic=len(off),
        red_flags=len(red),
        small_talk=len(talk),
        answered_right=_pct(sum(map(answered_right, ins)), len(ins)),
        clarified_right=_pct(sum(map(clarified_right, ins)), len(ins)),
        wrong_answer=_pct(
            sum(1 for r in ins if r.outcome == "answer" and not answered_right(r)), len(ins)
        ),
        in_scope_fallback=_pct(sum(1 for r in ins if r.outcome == "fallback"), len(ins)),
        in_scope_false_emergency=_pct(sum(1 for r in ins if r.outcome == "emergency"), len(ins)),
        # An off-topic message may list entries whose answer helps anyway (accept).
        off_topic_false_answer=_pct(
            sum(1 for r in off if r.outcome == "answer" and not answered_right(r)), len(off)
        ),
        off_topic_clarified=_pct(sum(1 for r in off if r.outcome == "clarify"), len(off)),
        red_flag_recall=_pct(sum(1 for r in red if r.urgent), len(red)),
        red_flag_alarm=_pct(sum(1 for r in red if r.outcome == "emergency"), len(red)),
        small_talk_right=_pct(sum(1 for r in talk if r.outcome == "smalltalk"), len(talk)),
        second_question_answered=_pct(sum(1 for r in two if r.item.also in r.candidates), len(two)),
        per_entry=per_entry,
        confusions=confusions,
        false_alarms=_pct(
            sum(1 for r in results if r.item.expect != "emergency" and r.outcome == "emergency"),
            len(results) - len(red),
        ),
    )


def format_report(report: Report, source: str) -> str:
    lines = [
        f"Evaluation of {source}: {report.total} messages "
        f"({report.in_scope} in scope, {report.off_topic} off-topic, "
        f"{report.red_flags} red flags, {report.small_talk} small talk)",
        "",
        f"  answered right          {report.answered_right:5.1f} %  of in-scope",
        f"  clarified right         {report.clarified_right:5.1f} %  of in-scope (right entry offered)",
        f"  wrong answer            {report.wrong_answer:5.1f} %  of in-scope",
        f"  in-scope fallback       {report.in_scope_fallback:5.1f} %  of in-scope",
        f"  in-scope emergency      {report.in_scope_false_emergency:5.1f} %  of in-scope",
        f"  off-topic false answer  {report.off_topic_false_answer:5.1f} %  of off-topic",
        f"  off-topic clarified     {report.off_topic_clarified:5.1f} %  of off-topic",
        f"  red-flag recall         {report.red_flag_recall:5.1f} %  (emergency numbers first)",
        f"    of which full alarm   {report.red_flag_alarm:5.1f} %",
        f"  false alarms            {report.false_alarms:5.1f} %  of messages without a red flag",
        f"  small talk right        {report.small_talk_right:5.1f} %",
        f"  second question offered {report.second_question_answered:5.1f} %  of two-question messages",
        "",
        "  per entry                support  precision  recall",
    ]
    for eid, row in report.per_entry.items():
        lines.append(
            f"    {eid:<22} {int(row['support']):7d}  {row['precision']:8.1f}  {row['recall']:6.1f}"
        )
    lines.append("")
    if report.confusions:
        lines.append(f"  confusions ({len(report.confusions)}):")
        for c in report.confusions:
            got = c["outcome"] + (f" {c['entry']}" if c["entry"] else "")
            if c["outcome"] == "clarify":
                got += f" {c['candidates']}"
            lines.append(
                f"    expected {c['expected']:<18} got {got:<40} {c['score']:5.1f}  {c['text']!r}"
            )
    else:
        lines.append("  no confusions")
    return "\n".join(lines)


def without_and_with(
    content: Content, drop: Sequence[LabelledItem], add: Sequence[LabelledItem]
) -> Content:
    """The content with `drop`'s messages taken out of its examples and
    out-of-scope list and `add`'s messages put in as faq.yaml holds real
    wording: in-scope ones as examples of their expected entry (two-question
    messages left out), off-topic ones as out of scope, red flags as red_flags
    (when the content has any)."""
    gone = {normalize(i.text) for i in (*drop, *add)}
    extra: dict[str, list[str]] = {}
    for item in add:
        if item.in_scope and item.also is None:
            extra.setdefault(item.expect, []).append(item.text)
    entries = tuple(
        replace(
            e,
            examples=(
                *(x for x in e.examples if normalize(x) not in gone),
                *extra.get(e.id, ()),
            ),
        )
        for e in content.entries
    )
    out_of_scope = (
        *(x for x in content.out_of_scope if normalize(x) not in gone),
        *(i.text for i in add if i.expect == "off-topic"),
    )
    # Red flags teach the emergency detector's learned opinion; content without
    # any (no opinion) stays without.
    red_flags = (
        (
            *(x for x in content.red_flags if normalize(x) not in gone),
            *(i.text for i in add if i.expect == "emergency"),
        )
        if content.red_flags
        else ()
    )
    calm_mentions = tuple(x for x in content.calm_mentions if normalize(x) not in gone)
    return replace(
        content,
        entries=entries,
        out_of_scope=out_of_scope,
        red_flags=red_flags,
        calm_mentions=calm_mentions,
    )


def source_group(item: LabelledItem) -> str:
    """Which messages stand or fall together in cross-validation: those of one
    site (a URL's host) or one dataset (the text before its first space or
    parenthesis), whose headings and wording resemble each other; a message
    without a source stands alone."""
    if not item.source:
        return f"text:{normalize(item.text)}"
    if "://" in item.source:
        host = urlsplit(item.source).hostname or item.source
        return host.removeprefix("www.")
    return re.split(r"[ (]", item.source.strip(), maxsplit=1)[0]


def grouped_folds(items: Sequence[LabelledItem], folds: int) -> list[int]:
    """Each item's fold: whole source groups (source_group) dealt, largest
    first, to the fold holding fewest items so far, so that no source is on
    both sides of a fold and the folds come out about the same size."""
    members: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        members.setdefault(source_group(item), []).append(i)
    sizes = [0] * folds
    fold_of = [0] * len(items)
    for group in sorted(members.values(), key=lambda m: (-len(m), m[0])):
        fold = min(range(folds), key=lambda f: (sizes[f], f))
        sizes[fold] += len(group)
        for i in group:
            fold_of[i] = fold
    return fold_of


def cross_validate(
    content: Content, sets: Mapping[str, Sequence[LabelledItem]], folds: int = 0
) -> tuple[dict[str, Report], Report]:
    """Answer every labelled message with content that was not given it.

    folds = 0: leave one set out; each set is answered by a brain whose
    examples and out-of-scope list hold the other sets' messages (and none of
    this one's). folds = k: the sets' messages, pooled, are dealt into k folds
    by source (grouped_folds: one site's or dataset's messages resemble each
    other, and a fold must not be answered by its near-twins); each fold is
    answered by a brain given the other folds' messages (a set too small to
    leave out whole still measures wording it was not given). Either way it
    shows how content does on new wording, which a plain `eval` of a set
    already pasted into faq.yaml cannot. Figures per set and for all the
    messages."""
    ids = [e.id for e in content.entries]
    pooled = [(name, item) for name, items in sets.items() for item in items]
    if folds:
        fold_of = grouped_folds([item for _, item in pooled], folds)
    else:
        names = list(sets)
        fold_of = [names.index(name) for name, _ in pooled]
    results: dict[int, ItemResult] = {}
    for fold in sorted(set(fold_of)):
        held = [item for (_, item), f in zip(pooled, fold_of, strict=True) if f == fold]
        given = [item for (_, item), f in zip(pooled, fold_of, strict=True) if f != fold]
        brain = Brain(without_and_with(content, held, given))
        positions = [i for i, f in enumerate(fold_of) if f == fold]
        results.update(zip(positions, run(brain, held), strict=True))
    per_set = {
        name: summarize([results[i] for i, (n, _) in enumerate(pooled) if n == name], ids)
        for name in sets
    }
    return per_set, summarize([results[i] for i in range(len(pooled))], ids)


def format_cross_validation(per_set: Mapping[str, Report], overall: Report, folds: int = 0) -> str:
    how = (
        f"{folds}-fold cross-validation grouped by source (each fold answered by content built"
        " without it and its sources)"
        if folds
        else "Leave-one-set-out cross-validation (each set answered by content built without it)"
    )
    lines = [
        how,
        "",
        f"  {'set':<22} {'in scope':>8} {'answered':>9} {'clarified':>9} {'wrong':>6} "
        f"{'off-topic answered':>18} {'red flags':>9}",
    ]
    for name, r in (*per_set.items(), ("all", overall)):
        lines.append(
            f"  {name:<22} {r.in_scope:8d} {r.answered_right:8.1f}% {r.clarified_right:8.1f}% "
            f"{r.wrong_answer:5.1f}% {r.off_topic_false_answer:17.1f}% {r.red_flag_recall:8.1f}%"
        )
    return "\n".join(lines)


def write_score_chart(results: list[ItemResult], answer: float, clarify: float, path: Path) -> None:
    """Score distributions of in-scope and off-topic messages with the thresholds:
    why the answer and clarify lines sit where they do."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    in_scope = [r.score for r in results if r.item.in_scope and r.outcome != "emergency"]
    off_topic = [r.score for r in results if r.item.expect == "off-topic"]
    right = [
        r.score
        for r in results
        if r.item.in_scope and r.outcome == "answer" and r.entry in r.item.right_entries
    ]
    bins = [i * 5 for i in range(21)]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.hist(in_scope, bins=bins, alpha=0.55, label=f"in scope ({len(in_scope)})", color="#4c72b0")
    ax.hist(
        off_topic, bins=bins, alpha=0.55, label=f"off-topic ({len(off_topic)})", color="#c44e52"
    )
    ax.hist(right, bins=bins, histtype="step", linewidth=1.5, label="answered right", color="#222")
    ax.axvline(answer, color="#55a868", linestyle="--", label=f"answer threshold ({answer:g})")
    ax.axvline(clarify, color="#dd8452", linestyle=":", label=f"clarify threshold ({clarify:g})")
    ax.set_xlabel("best match score")
    ax.set_ylabel("messages")
    ax.set_title("Match scores: in-scope vs off-topic")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
