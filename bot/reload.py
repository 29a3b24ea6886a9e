"""Hot reload of faq.yaml: new content is validated first; a bad file keeps the old serving."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

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


# "entry[4] (id 'cause'), field 'id': ..." and "ui, field 'welcome': ..." /
# "ui: unknown field 'xx' ...": where a validation problem is.
_ITEM = re.compile(r"^([\w.]+)\[(\d+)\](?: \(id '[^']*'\))?(?:, field '(\w+)')?")
_FIELD = re.compile(r"^([\w.]+)(?:, field '(\w+)'|: unknown field '(\w+)')")
_INDEX = re.compile(r"\b([A-Za-z_.]+)\[(\d+)\]")
# Validation labels that differ from the file's section names.
_SECTIONS = {"entry": "entries"}


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(key, int):
        if isinstance(node, yaml.SequenceNode) and 0 <= key < len(node.value):
            child: yaml.Node = node.value[key]
            return child
        return None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                # A field's line is its key's; a section's is its value's.
                return v if isinstance(v, yaml.MappingNode | yaml.SequenceNode) else k
    return None


def _line(root: yaml.Node | None, problem: str) -> int | None:
    """The line (from 1) of the item or field a problem names, if it can be found."""
    path: list[str | int] = []
    if m := _ITEM.match(problem):
        path = [*_SECTIONS.get(m[1], m[1]).split("."), int(m[2])]
        if m[3]:
            path.append(m[3])
    elif m := _FIELD.match(problem):
        path = [*m[1].split("."), m[2] or m[3]]
    else:
        return None
    node = root
    for key in path:
        node = _child(node, key)
    return node.start_mark.line + 1 if node is not None else None


def describe(error: ContentError) -> str:
    """One readable line per problem: the file's name (not the server's path), the
    line, the entry (numbered from 1, with its id) and the field; for broken YAML
    the line and column instead of PyYAML's caret lines."""
    name = Path(error.path).name
    cause = error.__cause__
    if isinstance(cause, yaml.MarkedYAMLError):
        mark = cause.problem_mark or cause.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = cause.problem or cause.context or "not valid YAML"
        context = f" ({cause.context})" if cause.context and cause.problem else ""
        return f"{name}{where}: not valid YAML: {what}{context}"
    try:
        root = yaml.compose(Path(error.path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        root = None
    lines = []
    for problem in error.problems:
        line = _line(root, problem)
        numbered = _INDEX.sub(lambda m: f"{m[1]} {int(m[2]) + 1}", problem)
        lines.append(f"{name}{f', line {line}' if line else ''}: {numbered}")
    return "\n".join(lines)


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
            return ReloadResult(False, self.content, describe(error))
        self.content = fresh
        return ReloadResult(True, fresh)
