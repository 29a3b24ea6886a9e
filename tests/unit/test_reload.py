"""Hot reload keeps serving the old content when the new file is bad."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.brain import Brain
from bot.content import load_content
from bot.reload import ContentReloader
from tests.support import FAQ


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_reload_picks_up_a_good_change_and_refuses_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
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
    assert str(path) in bad.error
    # The last good content still serves, and answers keep coming.
    assert bad.content.by_id["foods"].short == "Magnesium-rich foods"
    assert Brain(bad.content).on_text({}, "which foods have magnesium").entry == "foods"
    assert reloader.poll() is None  # reported once per change


def test_forced_reload_and_a_vanished_file(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    reloader = ContentReloader(path, load_content(path))
    forced = reloader.poll(force=True)
    assert forced is not None
    assert forced.ok
    path.unlink()
    gone = reloader.poll()
    assert gone is not None
    assert not gone.ok
    assert gone.content is reloader.content
