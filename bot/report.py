"""The operator's report: what people asked, what worked, what went unanswered.

Built from the anonymous event store. Unanswered messages (fallbacks and
clarifications) are grouped by similarity, so the same question asked twelve
ways shows as one line with a count and the entry it came closest to: the
place to add a phrasing, or the sign that a new entry is needed.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.events import EventStore
from bot.matcher import OUT_OF_SCOPE, Matcher
from bot.text import normalize

# Two unanswered messages belong to one group when their content words are
# this similar (token_set_ratio over the Lexicon's canonical words).
GROUP_SIMILARITY = 75.0
OUTCOMES = ("answer", "clarify", "fallback", "emergency", "smalltalk")


@dataclass
class UnansweredGroup:
    example: str
    count: int
    closest: str | None
    closest_score: float
    variants: list[str] = field(default_factory=list)


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
    def most_disliked(self) -> list[tuple[str, int, int]]:
        rows = [(e, up, down) for e, (up, down) in self.votes.items() if down]
        return sorted(rows, key=lambda r: (-r[2], r[1], r[0]))


def group_unanswered(texts: list[str], matcher: Matcher) -> list[UnansweredGroup]:
    """Greedy grouping, most frequent wording first; deterministic."""
    counts = Counter(t.strip() for t in texts if t and t.strip())
    keys = {t: " ".join(sorted(matcher.lexicon.content_words(t))) or normalize(t) for t in counts}
    groups: list[tuple[str, UnansweredGroup]] = []
    for text, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        key = keys[text]
        for group_key, group in groups:
            if fuzz.token_set_ratio(key, group_key) >= GROUP_SIMILARITY:
                group.count += n
                group.variants.append(text)
                break
        else:
            ranked = [c for c in matcher.score_entries(text) if c.entry_id != OUT_OF_SCOPE]
            best = ranked[0] if ranked else None
            groups.append(
                (
                    key,
                    UnansweredGroup(
                        text, n, best.entry_id if best else None, best.score if best else 0.0
                    ),
                )
            )
    result = [g for _, g in groups]
    return sorted(result, key=lambda g: (-g.count, g.example))


def build_report(store: EventStore, matcher: Matcher, since: float, until: float) -> Report:
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
        unanswered=group_unanswered(unanswered, matcher),
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
    lines += ["", "Feedback (👍 / 👎), most 👎 first:"]
    lines += [f"  {down:4d} 👎 {up:4d} 👍  {e}" for e, up, down in report.most_disliked[:limit]]
    if not report.most_disliked:
        lines.append("  (no 👎)")
    lines += ["", "Unanswered, grouped (count, closest entry, example):"]
    for g in report.unanswered[:limit]:
        closest = f"{g.closest} ({g.closest_score:.0f})" if g.closest else "-"
        more = f"  [+{len(g.variants)} other wordings]" if g.variants else ""
        lines.append(f"  {g.count:4d}  {closest:<28} {g.example!r}{more}")
    if not report.unanswered:
        lines.append("  (none)")
    return "\n".join(lines)


def write_html(report: Report, path: Path) -> None:
    def table(head: list[str], rows: list[list[str]]) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        trs = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><tr>{th}</tr>{trs}</table>"

    body = [
        "<h1>FAQ bot report</h1>",
        f"<pre>{html.escape(format_report(report).splitlines()[0])}</pre>",
        "<h2>Questions by outcome</h2>",
        table(
            ["outcome", "count", "share"],
            [[o, str(n), _pct(n, report.questions)] for o, n in report.by_outcome.items()],
        ),
        "<h2>Top entries</h2>",
        table(["entry", "answers"], [[e, str(n)] for e, n in report.top_entries]),
        "<h2>Feedback</h2>",
        table(["entry", "👍", "👎"], [[e, str(u), str(d)] for e, (u, d) in report.votes.items()]),
        "<h2>Unanswered, grouped</h2>",
        table(
            ["count", "closest entry", "example", "other wordings"],
            [
                [str(g.count), g.closest or "-", g.example, "; ".join(g.variants[:5])]
                for g in report.unanswered
            ],
        ),
    ]
    style = "body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}"
    path.write_text(
        f"<!doctype html><meta charset='utf-8'><style>{style}</style>{''.join(body)}",
        encoding="utf-8",
    )


def write_png(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    outcomes = list(report.by_outcome)
    left.bar(outcomes, [report.by_outcome[o] for o in outcomes], color="#4c72b0")
    left.set_title(f"Questions by outcome ({report.questions})")
    top = report.top_entries[:10][::-1]
    right.barh([e for e, _ in top], [n for _, n in top], color="#55a868")
    right.set_title("Top answered entries")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
