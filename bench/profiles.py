"""`--profile DIR`: cProfile of where the time goes, for docs/benchmarks.md.

Writes, for each of
  match-real   Brain.on_text over the real message mix, first sight (3 fresh brains)
  match-scale  Brain.on_text at the largest synthetic size of the run
  e2e          the bot during a burst without rate limiter (this thread only:
               the event loop, PTB, httpx and the brain)
a <name>.pstats file (for `python -m pstats` or snakeviz) and a <name>.txt with the
top functions by own time and by cumulative time.
"""

from __future__ import annotations

import asyncio
import cProfile
import dataclasses
import io
import pstats
from collections.abc import Callable
from pathlib import Path

from bench import e2e
from bench.messages import Message
from bench.stats import new_user
from bench.synthetic import SEED, synthetic_faq, synthetic_queries
from bot import text as bot_text
from bot.brain import Brain
from bot.content import Content

TOP = 30


def _write(profiler: cProfile.Profile, directory: Path, name: str, title: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(directory / f"{name}.pstats")
    text = io.StringIO()
    text.write(f"{title}\n\n")
    for order in ("tottime", "cumulative"):
        stats = pstats.Stats(profiler, stream=text)
        stats.strip_dirs().sort_stats(order).print_stats(TOP)
    path = directory / f"{name}.txt"
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def _profile_calls(
    fn: Callable[[str], object], texts: list[str], profiler: cProfile.Profile | None = None
) -> cProfile.Profile:
    profiler = profiler or cProfile.Profile()
    profiler.enable()
    for text in texts:
        fn(text)
    profiler.disable()
    return profiler


def write_profiles(
    directory: Path,
    content: Content,
    mix: list[Message],
    scale_size: int,
    e2e_messages: int,
    e2e_users: int,
) -> list[Path]:
    paths: list[Path] = []
    texts = [m.text for m in mix]
    profiler = cProfile.Profile()
    for _ in range(3):
        bot_text.stem.cache_clear()
        _profile_calls(new_user(Brain(content)), texts, profiler)
    title = "Brain.on_text, real faq.yaml, each message on first sight"
    paths.append(_write(profiler, directory, "match-real", title))

    faq = synthetic_faq(content, scale_size)
    big = Brain(faq.content)
    for q in synthetic_queries(faq, 200, seed=SEED + 1):
        big.on_text({}, q.text)
    queries = [q.text for q in synthetic_queries(faq, 300)]
    profiler = _profile_calls(new_user(big), queries)
    title = f"Brain.on_text, synthetic FAQ of {scale_size} entries"
    paths.append(_write(profiler, directory, "match-scale", title))

    profiler = cProfile.Profile()
    asyncio.run(
        e2e.run_variant(
            dataclasses.replace(e2e.NO_LIMITER, paced=False),
            content,
            mix,
            messages=e2e_messages,
            users=e2e_users,
            wait_s=300.0,
            profiler=profiler,
        )
    )
    title = f"the bot during a burst of {e2e_messages} messages, no rate limiter"
    paths.append(_write(profiler, directory, "e2e", title))
    return paths
