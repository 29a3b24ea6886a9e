"""The faqbot command as an operator and a newcomer use it: `bot.cli.main` in this
process (fast), and one real subprocess where only a process shows it (a pipe closed
early)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bot.content import load_content
from tests.support import FAQ, PHRASINGS, ROOT, light_faq
from tests.support.cli import ENV, faqbot


def ask_json(text: str) -> dict[str, object]:
    result = faqbot("ask", "--json", text)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert isinstance(record, dict)
    return record


def test_acceptance_examples() -> None:
    assert ask_json("what is the weather today")["outcome"] == "fallback"
    foods = ask_json("magnesuim foods")
    assert (foods["outcome"], foods["entry"]) == ("answer", "foods")
    assert ask_json("my face is drooping and my lip twitches")["outcome"] == "emergency"


def test_ask_json_reads_one_message_per_line() -> None:
    result = faqbot("ask", "--json", "-", stdin="hi\nmagnesium rda\n\nzzzz qqqq\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in records] == ["smalltalk", "answer", "fallback", "fallback"]
    assert set(records[1]) == {"text", "outcome", "entry", "score", "candidates", "buttons"}
    assert records[1]["entry"] == "daily-amount"
    assert "This content is for informational purposes only" in records[1]["text"]
    assert records[1]["buttons"]


def test_ask_plain_text_shows_answer_and_buttons() -> None:
    result = faqbot("ask", "how", "much", "magnesium", "per", "day")
    assert result.returncode == 0
    assert "400–420 mg" in result.stdout
    assert "[📚 Browse topics]" in result.stdout


def test_check_passes_on_the_real_file_and_fails_on_a_broken_one(tmp_path: Path) -> None:
    ok = faqbot("check")
    assert ok.returncode == 0, ok.stderr
    assert "OK: 14 entries" in ok.stdout
    broken = tmp_path / "faq.yaml"
    shutil.copy(PHRASINGS, tmp_path / PHRASINGS.name)
    broken.write_text(FAQ.read_text(encoding="utf-8").replace("  - id: foods\n", "  - id: cause\n"))
    bad = faqbot("--faq", str(broken), "check")
    assert bad.returncode == 2
    assert str(broken) in bad.stderr
    # One line per problem, with its line, the entry counted from 1 (the fifth).
    assert re.search(
        r"faq.yaml, line \d+: entry 5 \(id 'cause'\), field 'id': duplicate id", bad.stderr
    )
    assert "Traceback" not in bad.stderr


def test_check_lists_confusable_phrasings(tmp_path: Path) -> None:
    confused = tmp_path / "faq.yaml"
    shutil.copy(PHRASINGS, tmp_path / PHRASINGS.name)
    text = FAQ.read_text(encoding="utf-8")
    # An alternate of 'foods' that is really the daily-amount question.
    text = text.replace(
        '      - "magnesium foods"\n', '      - "magnesium foods"\n      - "magnesium rda"\n'
    )
    confused.write_text(text, encoding="utf-8")
    result = faqbot("--faq", str(confused), "check")
    assert result.returncode == 0
    assert "foods: 'magnesium rda'" in result.stdout


def test_eval_prints_the_figures() -> None:
    result = faqbot("eval", "tests/data/eval-tune.yaml")
    assert result.returncode == 0, result.stderr
    for label in (
        "answered right",
        "clarified right",
        "wrong answer",
        "off-topic false answer",
        "red-flag recall",
        "per entry",
        "precision",
        "recall",
    ):
        assert label in result.stdout


def test_output_cut_short_by_a_pipe_ends_quietly(tmp_path: Path) -> None:
    """`faqbot ask --json - < messages | head -1` must not end in a BrokenPipeError traceback."""
    faq = light_faq(tmp_path)  # about pipes, not matching: no real wording to train on
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "--faq", str(faq), "ask", "--json", "-"],
        cwd=ROOT,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdin.write(b"magnesium foods\n" * 4000)  # far more output than a pipe buffers
        proc.stdin.close()
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `head` does
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert json.loads(first)["entry"] == "foods"
    assert "Traceback" not in err, err
    assert code == 141


def test_eval_pools_several_sets() -> None:
    one = faqbot("eval", "--json", "tests/data/eval-tune.yaml")
    two = faqbot("eval", "--json", "tests/data/eval-tune.yaml", "tests/data/eval-dev.yaml")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    dev = faqbot("eval", "--json", "tests/data/eval-dev.yaml")
    assert (
        json.loads(two.stdout)["total"]
        == json.loads(one.stdout)["total"] + json.loads(dev.stdout)["total"]
    )


def test_cross_validation_prints_one_row_per_set_and_the_total(tmp_path: Path) -> None:
    # The output is what is tested here, not the figures: faq.yaml without its
    # real wording trains each fold in a fraction of a second.
    faq = str(light_faq(tmp_path / "faq"))
    result = faqbot("--faq", faq, "cv", "tests/data/eval-tune.yaml", "tests/data/eval-dev.yaml")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("  eval-")]
    assert [r[0] for r in rows] == ["eval-tune.yaml", "eval-dev.yaml"]
    assert result.stdout.splitlines()[-1].split()[0] == "all"


def test_eval_rejects_a_bad_labelled_file(tmp_path: Path) -> None:
    bad = tmp_path / "set.yaml"
    bad.write_text('- text: "hi"\n  expect: no-such-entry\n', encoding="utf-8")
    result = faqbot("eval", str(bad))
    assert result.returncode == 2
    assert "item[0], field 'expect': unknown label 'no-such-entry'" in result.stderr


def test_console_chat_without_a_token(tmp_path: Path) -> None:
    # Run from an empty directory so no .env is picked up; numbers press buttons.
    session = "which foods have magnesium\n1\n3\n/doctor\n4\n/cancel\n/quit\n"
    result = faqbot("--faq", str(FAQ), stdin=session, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Console chat" in out
    assert "Excellent food sources of magnesium" in out
    assert "(Thanks for the feedback!)" in out  # 1 pressed 👍
    # 3 pressed the first follow-up under the answer: that entry's answer follows.
    label = re.findall(r"\[3\] (.+)", out.split("Excellent food sources", 1)[1])[0]
    followed = next(e for e in load_content(FAQ).entries if e.short == label)
    assert followed.answer.splitlines()[0] in out
    assert "Question 1 of up to" in out
    assert "Question 2 of up to" in out  # "4" pressed the fourth button: "No"
    assert "Check cancelled" in out
