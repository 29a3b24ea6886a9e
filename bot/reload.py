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


def _stamps(*paths: str | Path | None) -> tuple[tuple[int, int] | None, ...]:
    """When and how big each file is: faq.yaml and the phrasings file it names."""
    marks: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            st = Path(path).stat() if path else None
        except OSError:
            st = None
        marks.append((st.st_mtime_ns, st.st_size) if st else None)
    return tuple(marks)


class ContentReloader:
    def __init__(self, path: Path, content: Content) -> None:
        self.path = path
        self.content = content
        self._seen = _stamps(path, content.phrasings_path)

    def poll(self, force: bool = False) -> ReloadResult | None:
        """Reload when the file changed (or when forced); None when there is nothing new.

        A file that fails validation is reported once per change, and the
        content that was serving stays.
        """
        signature = _stamps(self.path, self.content.phrasings_path)
        if not force and signature == self._seen:
            return None
        self._seen = signature
        try:
            fresh = load_content(self.path)
        except ContentError as error:
            return ReloadResult(False, self.content, str(error))
        self.content = fresh
        return ReloadResult(True, fresh)
