"""The operator's report: what people asked, what worked, what went unanswered.

Built from the anonymous event store. Unanswered messages (fallbacks and
clarifications) are grouped by similarity, so the same question asked twelve
ways shows as one line with a count and the entry it came closest to: the
place to add a phrasing, or the sign that a new entry is needed.
"""

from __future__ import annotations

import heapq
import html
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import Content
from bot.events import EventStore
from bot.matcher import OUT_OF_SCOPE, Matcher
from bot.text import normalize

# Unanswered messages form one group while their average similarity (cosine of
# IDF-weighted word vectors, average linkage) stays at least this high.
GROUP_SIMILARITY = 0.25
OUTCOMES = ("answer", "clarify", "fallback", "emergency", "smalltalk")


@dataclass
class UnansweredGroup:
    example: str  # the most frequent wording
    count: int
    closest: str | None
    closest_score: float
    # Every wording of the group with how often it was sent, most frequent first.
    wordings: list[tuple[str, int]] = field(default_factory=list)
    # The words the group shares with its closest entry: why that entry is closest.
    shared: list[str] = field(default_factory=list)


@dataclass
class Report:
    since: float
    until: float
    questions: int
    by_outcome: dict[str, int]
    top_entries: list[tuple[str, int]]
    votes: dict[str, tuple[int, int]]  # entry -> (up, down)
    unanswered: list[UnansweredGroup]

    @property
    def feedback(self) -> list[tuple[str, int, int]]:
        """(entry, up, down) of every entry with a vote, most 👎 first."""
        rows = [(e, up, down) for e, (up, down) in self.votes.items()]
        return sorted(rows, key=lambda r: (-r[2], -r[1], r[0]))

    @property
    def most_disliked(self) -> list[tuple[str, int, int]]:
        return [r for r in self.feedback if r[2]]


Vector = dict[str, float]


def _vectors(words: dict[str, list[str]], background: list[set[str]]) -> dict[str, Vector]:
    """Unit-length IDF vectors of each text's words. The documents are the texts
    and the FAQ's entries, so a word in nearly every question ("magnesium")
    weighs almost nothing and a distinctive one ("hair", "sleep") decides."""
    docs = [set(w) for w in words.values()] + background
    df: Counter[str] = Counter(w for doc in docs for w in doc)
    n = len(docs)
    vectors = {}
    for text, ws in words.items():
        v = {w: math.log((n + 1) / (df[w] + 1)) for w in ws}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors[text] = {w: x / norm for w, x in v.items()}
    return vectors


def _cosine(a: Vector, b: Vector) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(x * b[w] for w, x in a.items() if w in b)


def _average_linkage(vectors: list[Vector], threshold: float) -> list[list[int]]:
    """Agglomerative clustering: merge the two clusters with the highest average
    pairwise similarity while it is at least `threshold`. Ties go to the lowest
    ids, so for sorted input the result does not depend on arrival order.

    Cluster similarities are updated with the Lance-Williams formula for the
    average (sim(A+B, C) = (|A| sim(A, C) + |B| sim(B, C)) / (|A| + |B|)), so a
    merge costs one pass over the clusters, not over their members' pairs."""
    members: dict[int, list[int]] = {i: [i] for i in range(len(vectors))}
    sim: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            s = _cosine(vectors[i], vectors[j])
            if s > 0:
                sim[i][j] = sim[j][i] = s
    heap = [
        (-s, i, j) for i, row in sim.items() for j, s in row.items() if i < j and s >= threshold
    ]
    heapq.heapify(heap)
    next_id = len(vectors)
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # one of them was merged already
        size_a, size_b = len(members[a]), len(members[b])
        row_a, row_b = sim.pop(a), sim.pop(b)
        row: dict[int, float] = {}
        for c in sorted((set(row_a) | set(row_b)) - {a, b}):
            s = (size_a * row_a.get(c, 0.0) + size_b * row_b.get(c, 0.0)) / (size_a + size_b)
            sim[c].pop(a, None)
            sim[c].pop(b, None)
            row[c] = sim[c][next_id] = s
            if s >= threshold:
                heapq.heappush(heap, (-s, c, next_id))
        sim[next_id] = row
        members[next_id] = members.pop(a) + members.pop(b)
        next_id += 1
    return sorted(sorted(c) for c in members.values())


def group_unanswered(texts: list[str], matcher: Matcher, content: Content) -> list[UnansweredGroup]:
    """Unanswered messages grouped by what they ask (order-independent), largest first."""
    counts = Counter(t.strip() for t in texts if t and t.strip())
    distinct = sorted(counts)
    lexicon = matcher.lexicon
    words = {t: lexicon.content_words(t) or normalize(t).split() for t in distinct}
    entry_words = {
        e.id: {w for p in e.phrasings for w in lexicon.content_words(p)} for e in content.entries
    }
    vectors = _vectors(words, list(entry_words.values()))
    groups = []
    for members in _average_linkage([vectors[t] for t in distinct], GROUP_SIMILARITY):
        wordings = sorted(
            ((distinct[i], counts[distinct[i]]) for i in members), key=lambda kv: (-kv[1], kv[0])
        )
        example = wordings[0][0]
        ranked = [c for c in matcher.score_entries(example) if c.entry_id != OUT_OF_SCOPE]
        best = ranked[0] if ranked else None
        said = dict.fromkeys(w for text, _ in wordings for w in words[text])
        shared = [w for w in said if best is not None and w in entry_words[best.entry_id]]
        groups.append(
            UnansweredGroup(
                example,
                sum(n for _, n in wordings),
                best.entry_id if best else None,
                best.score if best else 0.0,
                wordings,
                shared,
            )
        )
    return sorted(groups, key=lambda g: (-g.count, g.example))


def build_report(
    store: EventStore, matcher: Matcher, content: Content, since: float, until: float
) -> Report:
    rows = store.questions(since, until)
    by_outcome = Counter(r.outcome for r in rows)
    answered = Counter(r.entry for r in rows if r.outcome == "answer" and r.entry)
    votes: dict[str, list[int]] = {}
    for f in store.feedback_rows(since, until):
        pair = votes.setdefault(f.entry, [0, 0])
        pair[0 if f.vote == "up" else 1] += 1
    unanswered = [r.text for r in rows if r.outcome in {"fallback", "clarify"} and r.text]
    return Report(
        since=since,
        until=until,
        questions=len(rows),
        by_outcome={o: by_outcome.get(o, 0) for o in OUTCOMES},
        top_entries=sorted(answered.items(), key=lambda kv: (-kv[1], kv[0])),
        votes={e: (v[0], v[1]) for e, v in sorted(votes.items())},
        unanswered=group_unanswered(unanswered, matcher, content),
    )


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:5.1f} %" if total else "    - "


def format_report(report: Report, limit: int = 20) -> str:
    from datetime import UTC, datetime

    def day(t: float) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M UTC")

    lines = [
        f"Report {day(report.since)} .. {day(report.until)}: {report.questions} questions",
        "",
        "Questions by outcome:",
    ]
    for outcome, n in report.by_outcome.items():
        lines.append(f"  {outcome:<10} {n:6d}  {_pct(n, report.questions)}")
    lines += ["", "Top entries (answered):"]
    lines += [f"  {n:6d}  {e}" for e, n in report.top_entries[:limit]] or ["  (none)"]
    lines += ["", "Feedback (👎 / 👍), most 👎 first:"]
    lines += [f"  {down:4d} 👎 {up:4d} 👍  {e}" for e, up, down in report.feedback[:limit]]
    if not report.feedback:
        lines.append("  (no votes)")
    lines += ["", "Unanswered, grouped (count, closest entry and the words it shares, wordings):"]
    for g in report.unanswered[:limit]:
        closest = f"{g.closest} ({g.closest_score:.0f})" if g.closest else "no entry is close"
        why = f", shares: {', '.join(g.shared)}" if g.shared else ", shares no word"
        lines.append(f"  {g.count:4d}  {closest}{why if g.closest else ''}")
        for text, n in g.wordings[:limit]:
            lines.append(f"          {n:3d}x {text!r}")
        if len(g.wordings) > limit:
            lines.append(f"          ... {len(g.wordings) - limit} more wordings")
    if not report.unanswered:
        lines.append("  (none)")
    return "\n".join(lines)


def _period(report: Report) -> str:
    return format_report(report).splitlines()[0]


def write_html(report: Report, path: Path) -> None:
    def table(head: list[str], rows: list[list[str]]) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        trs = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><tr>{th}</tr>{trs}</table>"

    title = html.escape(f"FAQ bot report: {_period(report).removeprefix('Report ')}")
    body = [
        f"<h1>{title}</h1>",
        "<h2>Questions by outcome</h2>",
        table(
            ["outcome", "count", "share"],
            [[o, str(n), _pct(n, report.questions)] for o, n in report.by_outcome.items()],
        ),
        "<h2>Top entries</h2>",
        table(["entry", "answers"], [[e, str(n)] for e, n in report.top_entries]),
        "<h2>Feedback, most 👎 first</h2>",
        table(["entry", "👎", "👍"], [[e, str(d), str(u)] for e, u, d in report.feedback]),
        "<h2>Unanswered, grouped</h2>",
        table(
            ["count", "closest entry", "shared words", "wordings"],
            [
                [
                    str(g.count),
                    g.closest or "-",
                    ", ".join(g.shared),
                    "; ".join(f"{t} ({n}x)" for t, n in g.wordings),
                ]
                for g in report.unanswered
            ],
        ),
    ]
    style = "body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}"
    path.write_text(
        f"<!doctype html><meta charset='utf-8'><title>{title}</title>"
        f"<style>{style}</style>{''.join(body)}",
        encoding="utf-8",
    )


# Bars per chart of the PNG.
PNG_BARS = 10


def write_png(report: Report, path: Path) -> None:
    """What the operator acts on: the entries with most 👎 and the largest
    unanswered groups, on whole-number count axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    disliked = report.most_disliked[:PNG_BARS][::-1]
    left.barh([e for e, _, _ in disliked], [d for _, _, d in disliked], color="#c44e52")
    # Words, not emoji: matplotlib's default font has no 👎.
    left.set_title(
        'Most "not helpful" votes (fix these answers)' if disliked else 'No "not helpful" votes'
    )
    groups = report.unanswered[:PNG_BARS][::-1]
    right.barh([_clip(g.example, 40) for g in groups], [g.count for g in groups], color="#4c72b0")
    right.set_title(
        "Largest unanswered groups (add wordings)" if groups else "Nothing went unanswered"
    )
    for axis in (left, right):
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("count")
    fig.suptitle(_period(report))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
