"""Hot reload of faq.yaml: new content is validated first; a bad file keeps the old serving."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import Content, ContentError, load_content


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    content: Content  # what serves now: the new content, or the old one on error
    error: str | None = None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ContentReloader:
    def __init__(self, path: Path, content: Content) -> None:
        self.path = path
        self.content = content
        self._seen = _stamp(path)

    def poll(self, force: bool = False) -> ReloadResult | None:
        """Reload when the file changed (or when forced); None when there is nothing new.

        A file that fails validation is reported once per change, and the
        content that was serving stays.
        """
        signature = _stamp(self.path)
        if not force and signature == self._seen:
            return None
        self._seen = signature
        try:
            fresh = load_content(self.path)
        except ContentError as error:
            return ReloadResult(False, self.content, str(error))
        self.content = fresh
        return ReloadResult(True, fresh)
