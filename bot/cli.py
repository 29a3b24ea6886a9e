"""The `faqbot` command: run the bot (Telegram or console), ask, check, eval, cv."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.brain import Brain
from bot.config import ConfigError, Settings, check_data_dir, load_settings
from bot.content import Content, ContentError, load_content
from bot.matcher import Matcher
from bot.reload import describe
from bot.replies import Reply

# `ask --json` reports one of these; anything else a new user could get maps to fallback.
ASK_OUTCOMES = frozenset({"answer", "clarify", "fallback", "smalltalk", "emergency"})


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="faqbot",
        description="FAQ bot for 'Can Low Magnesium Cause Lip Twitching?'. Without a "
        "command: runs the Telegram bot when TELEGRAM_BOT_TOKEN is set, a console chat "
        "otherwise.",
    )
    p.add_argument("--faq", type=Path, help="content file (default: FAQ_PATH or ./faq.yaml)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="the default: Telegram with a token, console without")
    sub.add_parser("console", help="console chat, even when a token is set")
    ask = sub.add_parser("ask", help="print the reply a new user gets for TEXT")
    ask.add_argument("--json", action="store_true", help="one JSON object per message")
    ask.add_argument("text", nargs="+", help="the message, or - to read one per line from stdin")
    sub.add_parser("check", help="validate faq.yaml and list confusable phrasings")
    ev = sub.add_parser("eval", help="answer quality on labelled YAML question sets (pooled)")
    ev.add_argument("files", type=Path, nargs="+", metavar="FILE")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--png", type=Path, help="also draw the score distributions with thresholds")
    cv = sub.add_parser(
        "cv",
        help="cross-validate: answer each labelled set with content built without its "
        "messages (how faq.yaml does on wording it was not given)",
    )
    cv.add_argument("files", type=Path, nargs="+", metavar="FILE")
    cv.add_argument("--json", action="store_true", help="print the figures as JSON")
    cv.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="deal the pooled messages into K folds instead of leaving one set out "
        "(for sets whose wording is in faq-phrasings.yaml, such as the real questions)",
    )
    rep = sub.add_parser("report", help="what was asked, answered, liked and left unanswered")
    rep.add_argument("--days", type=int, default=7, help="the last N days (default 7)")
    rep.add_argument("--since", type=_date, help="from this day (YYYY-MM-DD, UTC)")
    rep.add_argument("--until", type=_date, help="up to, not including, this day")
    rep.add_argument("--db", type=Path, help="event store (default: DATA_DIR/events.sqlite3)")
    rep.add_argument("--html", type=Path, help="also write an HTML summary")
    rep.add_argument("--png", type=Path, help="also write a PNG chart")
    health = sub.add_parser(
        "health",
        help="exit 0 if the running bot is alive (polling: a fresh heartbeat in DATA_DIR; "
        "webhook: GET /healthz answers 200), 1 if not",
    )
    health.add_argument(
        "--max-age",
        type=float,
        default=None,
        metavar="SECONDS",
        help="polling: the oldest acceptable heartbeat (default 60)",
    )
    return p


def _date(text: str) -> float:
    from datetime import UTC, datetime

    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def ask_record(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "outcome": reply.kind if reply.kind in ASK_OUTCOMES else "fallback",
        "entry": reply.entry if reply.kind == "answer" else None,
        "score": round(reply.score, 2),
        "candidates": list(reply.candidates),
        "buttons": reply.button_labels,
    }


def _ask(brain: Brain, args: argparse.Namespace, out: TextIO) -> int:
    if args.text == ["-"]:
        messages = [line.rstrip("\n") for line in sys.stdin]
    else:
        messages = [" ".join(args.text)]
    for message in messages:
        reply = brain.on_text({}, message)
        if args.json:
            print(json.dumps(ask_record(reply), ensure_ascii=False), file=out)
        else:
            print(reply.text, file=out)
            for label in reply.button_labels:
                print(f"  [{label}]", file=out)
    return 0


def confusable(content: Content) -> list[str]:
    """Phrasings of one entry that the matcher does not answer with that entry."""
    matcher = Matcher(content)
    lines = []
    for entry in content.entries:
        for phrasing in entry.phrasings:
            m = matcher.match(phrasing)
            if m.entry_id == entry.id:
                continue
            top = m.candidates[0] if m.candidates else None
            if top is not None and top.entry_id != entry.id:
                why = f"matches '{top.entry_id}' better ({top.score:.0f})"
            else:
                why = f"is not answered outright ({m.outcome}, {m.score:.0f})"
            lines.append(f"{entry.id}: {phrasing!r} {why}")
    return lines


def _check(content: Content, out: TextIO) -> int:
    print(
        f"{content.path}: OK: {len(content.entries)} entries, "
        f"{sum(len(e.alternates) for e in content.entries)} alternates, "
        f"{len(content.doctor_check.steps)} check steps, "
        f"{len(content.doctor_check.outcomes)} outcomes",
        file=out,
    )
    lines = confusable(content)
    if lines:
        print(f"{len(lines)} confusable phrasing(s) (warnings):", file=out)
        for line in lines:
            print(f"  {line}", file=out)
    else:
        print("no confusable phrasings", file=out)
    return 0


def _eval(brain: Brain, args: argparse.Namespace, out: TextIO) -> int:
    from bot import evaluation

    ids = [e.id for e in brain.content.entries]
    items = [i for f in args.files for i in evaluation.load_labelled(f, set(ids))]
    results = evaluation.run(brain, items)
    report = evaluation.summarize(results, ids)
    if args.png:
        th = brain.content.thresholds
        evaluation.write_score_chart(results, th.answer, th.clarify, args.png)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), file=out)
    else:
        print(evaluation.format_report(report, " + ".join(map(str, args.files))), file=out)
    return 0


def _cross_validate(content: Content, args: argparse.Namespace, out: TextIO) -> int:
    from bot import evaluation

    ids = {e.id for e in content.entries}
    sets = {f.name: evaluation.load_labelled(f, ids) for f in args.files}
    per_set, overall = evaluation.cross_validate(content, sets, args.folds)
    if args.json:
        figures = {name: r.as_dict() for name, r in per_set.items()}
        figures["all"] = overall.as_dict()
        print(json.dumps(figures, ensure_ascii=False, indent=2), file=out)
    else:
        print(evaluation.format_cross_validation(per_set, overall, args.folds), file=out)
    return 0


def _report(brain: Brain, settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    import time

    from bot import report
    from bot.events import EventStore

    path = args.db or settings.events_file
    if not path.exists():
        print(
            f"faqbot: no event store at {path} (is EVENTS_ENABLED on, and DATA_DIR right?)",
            file=sys.stderr,
        )
        return 2
    until = args.until if args.until is not None else time.time()
    since = args.since if args.since is not None else until - args.days * 86400
    store = EventStore(path, settings.events_retention_days)
    result = report.build_report(store, brain.matcher, brain.content, since, until)
    print(report.format_report(result), file=out)
    if args.html:
        report.write_html(result, args.html)
    if args.png:
        report.write_png(result, args.png)
    return 0


def _health(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from bot.telegram.health import DEFAULT_MAX_AGE, check_health

    max_age = DEFAULT_MAX_AGE if args.max_age is None else args.max_age
    healthy, line = check_health(settings, max_age)
    if healthy:
        print(line, file=out)
        return 0
    print(f"faqbot: unhealthy: {line}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    try:
        return _main(argv, out)
    except BrokenPipeError:
        # The reader went away (`faqbot eval F | head`): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _main(argv: Sequence[str] | None, out: TextIO | None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return 2
    if args.command == "health":  # about the running bot: faq.yaml is not read
        return _health(settings, args, out)
    try:
        faq_path = args.faq or settings.faq_path
        content = load_content(faq_path)
    except ConfigError as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        # The file's full path once, then one line per problem with its line
        # number and entries counted from 1 (the reload message's wording).
        problems = describe(exc).replace("\n", "\n  - ")
        print(
            f"faqbot: {exc.path}: {len(exc.problems)} problem(s):\n  - {problems}", file=sys.stderr
        )
        return 2
    command = args.command or "run"
    if command == "check":
        return _check(content, out)
    if command == "run" and settings.token:
        from bot.telegram.runner import run_telegram

        try:
            check_data_dir(settings.data_dir)
        except ConfigError as exc:
            print(f"faqbot: {exc}", file=sys.stderr)
            return 2
        # The Telegram app builds the Brain it serves (and rebuilds it on reload).
        return run_telegram(settings, content)
    try:
        if command == "cv":  # each fold builds its own brain
            return _cross_validate(content, args, out)
        brain = Brain(content)
        if command == "ask":
            return _ask(brain, args, out)
        if command == "eval":
            return _eval(brain, args, out)
        if command == "report":
            return _report(brain, settings, args, out)
    except ContentError as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return 2
    from bot.console import chat

    chat(brain, out=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
