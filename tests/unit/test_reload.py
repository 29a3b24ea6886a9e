"""Hot reload keeps serving the old content when the new file is bad."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.brain import Brain
from bot.content import load_content
from bot.reload import ContentReloader
from tests.support import FAQ, PHRASINGS


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_reload_picks_up_a_good_change_and_refuses_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    shutil.copy(PHRASINGS, tmp_path / PHRASINGS.name)
    reloader = ContentReloader(path, load_content(path))
    assert reloader.poll() is None  # nothing changed

    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Foods rich in magnesium", "Magnesium-rich foods"), encoding="utf-8"
    )
    _touch_later(path)
    result = reloader.poll()
    assert result is not None
    assert result.ok
    assert result.content.by_id["foods"].short == "Magnesium-rich foods"

    path.write_text(text.replace("  - id: foods\n", "  - id: cause\n"), encoding="utf-8")
    _touch_later(path)
    bad = reloader.poll()
    assert bad is not None
    assert not bad.ok
    assert bad.error is not None
    assert "duplicate id" in bad.error
    assert str(tmp_path) not in bad.error  # the file's name, not the server's path
    # The last good content still serves, and answers keep coming.
    assert bad.content.by_id["foods"].short == "Magnesium-rich foods"
    assert Brain(bad.content).on_text({}, "which foods have magnesium").entry == "foods"
    assert reloader.poll() is None  # reported once per change


def test_forced_reload_and_a_vanished_file(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    shutil.copy(PHRASINGS, tmp_path / PHRASINGS.name)
    reloader = ContentReloader(path, load_content(path))
    forced = reloader.poll(force=True)
    assert forced is not None
    assert forced.ok
    path.unlink()
    gone = reloader.poll()
    assert gone is not None
    assert not gone.ok
    assert gone.content is reloader.content


def test_a_change_to_the_phrasings_file_alone_is_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    phrasings = tmp_path / PHRASINGS.name
    shutil.copy(PHRASINGS, phrasings)
    reloader = ContentReloader(path, load_content(path))
    text = phrasings.read_text(encoding="utf-8")
    phrasings.write_text(
        text.replace("examples:\n", "examples:\n  nosuch: [x]\n"), encoding="utf-8"
    )
    _touch_later(phrasings)
    bad = reloader.poll()
    assert bad is not None
    assert not bad.ok
    assert bad.error is not None
    assert "faq-phrasings.yaml, examples, entry 'nosuch': unknown entry id" in bad.error


def _refusal(tmp_path: Path, old: str, new: str) -> list[str]:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    shutil.copy(PHRASINGS, tmp_path / PHRASINGS.name)
    reloader = ContentReloader(path, load_content(path))
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = reloader.poll(force=True)
    assert result is not None
    assert not result.ok
    assert result.error is not None
    return result.error.splitlines()


def _line_of(text: str) -> int:
    return FAQ.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_refused_reload_names_file_line_entry_and_field_once_per_problem(
    tmp_path: Path,
) -> None:
    short = '    short: "When to see a doctor"'
    lines = _refusal(tmp_path, short, "    short: 12")
    entries = [e.id for e in load_content(FAQ).entries]
    number = entries.index("see-doctor") + 1  # counted from 1
    assert lines == [
        f"faq.yaml, line {_line_of(short)}: entry {number} "
        "(id 'see-doctor'), field 'short': must be a non-empty string, got int"
    ]


def test_broken_yaml_is_one_line_with_line_and_column_not_carets(tmp_path: Path) -> None:
    old = '  expired: "This button has expired. Here is the menu again."'
    lines = _refusal(tmp_path, old, old.replace('"This button', '"This" x "button'))
    assert len(lines) == 1
    assert lines[0].startswith(f"faq.yaml, line {_line_of(old)}, column ")
    assert "not valid YAML" in lines[0]
    assert "^" not in lines[0]
