"""Reply -> Telegram HTML and inline keyboard: escaping, the 4096 limit, markup, layout."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.content import Content
from bot.replies import Button, Reply, Section
from bot.telegram.render import (
    ELLIPSIS,
    MAX_MESSAGE_CHARS,
    render,
    render_keyboard,
    render_text,
    utf16_len,
)
from tests.fake_bot_api import parse_html

DISCLAIMER = "For information only & not <medical> advice."


def parsed(html: str) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram shows for `html` (raises ValueError where Telegram would refuse it)."""
    return parse_html(html)


def entity_texts(html: str, kind: str) -> list[str]:
    plain, entities = parsed(html)
    units = plain.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in entities
        if e["type"] == kind
    ]


# --- escaping --------------------------------------------------------------


def test_content_text_title_and_footer_are_escaped() -> None:
    reply = Reply(
        (Section("Is 5 < 6 & 7 > 3? <b>not bold</b> &amp;", "Title <i> & co"),),
        "answer",
        footer=DISCLAIMER,
    )
    html = render_text(reply)
    assert "<b>Title &lt;i&gt; &amp; co</b>" in html
    assert "Is 5 &lt; 6 &amp; 7 &gt; 3? &lt;b&gt;not bold&lt;/b&gt; &amp;amp;" in html
    assert html.endswith("<i>For information only &amp; not &lt;medical&gt; advice.</i>")
    plain, _ = parsed(html)
    assert plain == (
        "Title <i> & co\nIs 5 < 6 & 7 > 3? <b>not bold</b> &amp;\n\n"
        "For information only & not <medical> advice."
    )
    assert entity_texts(html, "bold") == ["Title <i> & co"]


def test_quotes_are_left_alone() -> None:
    html = render_text(Reply((Section('It\'s "fine"'),), "answer"))
    assert html == 'It\'s "fine"'


def test_user_text_is_escaped(brain: Brain) -> None:
    user_text = '<script>alert("x")</script> & <a href="http://evil">magnesium foods</a>'
    reply = brain.on_text({}, user_text)
    # Whatever the brain makes of it, an echo of the text may never become markup.
    echo = Reply((*reply.sections, Section(user_text, user_text)), reply.kind, reply.buttons)
    html = render_text(echo)
    assert "<script>" not in html
    assert "<a " not in html
    assert "&lt;script&gt;" in html
    plain, entities = parsed(html)
    assert plain.endswith(f"{user_text}\n{user_text}")
    assert {e["type"] for e in entities} <= {"bold", "italic"}


def test_every_reply_of_the_brain_is_valid_telegram_html(brain: Brain, content: Content) -> None:
    state: dict[str, Any] = {}
    replies = [
        brain.welcome(state),
        brain.help(),
        brain.about(),
        brain.topics(),
        brain.menu(),
        brain.expired(),
        brain.on_text({}, "my face is drooping"),
        brain.on_text({}, "asdkjh qwe"),
        brain.start_check(state),
        *(brain.entry_reply(e) for e in content.entries),
    ]
    for reply in replies:
        html, _ = render(reply)
        plain, _ = parsed(html)
        assert 0 < len(plain) <= MAX_MESSAGE_CHARS
        assert ELLIPSIS not in plain  # real replies are short: nothing is cut
        if reply.footer:
            assert entity_texts(html, "italic") == [reply.footer]


# --- markup ----------------------------------------------------------------


def test_titles_are_bold_and_the_footer_is_italic() -> None:
    reply = Reply(
        (Section("First answer.", "First?"), Section("Plain note."), Section("Two.", "Second?")),
        "answer",
        footer="Disclaimer.",
    )
    html = render_text(reply)
    assert html == (
        "<b>First?</b>\nFirst answer.\n\nPlain note.\n\n<b>Second?</b>\nTwo.\n\n<i>Disclaimer.</i>"
    )
    assert entity_texts(html, "bold") == ["First?", "Second?"]
    assert entity_texts(html, "italic") == ["Disclaimer."]


def test_a_reply_without_footer_has_no_italics() -> None:
    html = render_text(Reply((Section("Hello"),), "smalltalk"))
    assert html == "Hello"


# --- the 4096 limit --------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "word " * 2000,
        "&" * 5000,  # every character grows fivefold when escaped
        "<>" * 3000,
        "😀" * 3000,  # two UTF-16 code units each
        "x" * 10_000,  # no space to break at
    ],
)
def test_long_replies_are_cut_within_the_limit_and_keep_the_disclaimer(body: str) -> None:
    reply = Reply((Section(body, "A <title>"),), "answer", footer=DISCLAIMER)
    html = render_text(reply)
    assert len(html) <= MAX_MESSAGE_CHARS
    plain, _ = parsed(html)  # a cut never breaks an escape or a tag
    assert utf16_len(plain) <= MAX_MESSAGE_CHARS
    assert entity_texts(html, "italic") == [DISCLAIMER]
    assert entity_texts(html, "bold") == ["A <title>"]
    shown = plain.split("\n", 1)[1].rsplit("\n\n", 1)[0]
    assert shown.endswith(ELLIPSIS)
    assert body.startswith(shown.removesuffix(ELLIPSIS).rstrip())
    assert len(shown) > 500  # the room is used, not thrown away


def test_a_cut_prefers_a_word_boundary() -> None:
    html = render_text(Reply((Section("magnesium " * 1000),), "answer"))
    plain, _ = parsed(html)
    assert plain.endswith("magnesium" + ELLIPSIS)


def test_sections_after_the_cut_are_left_out() -> None:
    reply = Reply(
        (Section("a" * 5000), Section("second", "Second title")), "answer", footer="Footer"
    )
    html = render_text(reply)
    assert "Second title" not in html
    assert html.endswith("<i>Footer</i>")
    assert len(html) <= MAX_MESSAGE_CHARS


def test_a_section_that_does_not_fit_at_all_ends_in_an_ellipsis() -> None:
    reply = Reply((Section("a" * 4080), Section("b" * 100, "Title")), "answer")
    plain, _ = parsed(render_text(reply))
    assert plain.startswith("a" * 4000)
    assert plain.endswith(ELLIPSIS)
    assert "Title" not in plain
    assert len(plain) <= MAX_MESSAGE_CHARS


@settings(max_examples=200, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from("ab <>&\n😀é\"'"), max_size=6000),
    title=st.one_of(st.none(), st.text(alphabet=st.sampled_from("T <>&"), min_size=1)),
    limit=st.integers(min_value=200, max_value=MAX_MESSAGE_CHARS),
)
def test_any_text_renders_to_valid_html_within_any_limit(
    body: str, title: str | None, limit: int
) -> None:
    reply = Reply((Section(body or "x", title),), "answer", footer="Disclaimer & <co>")
    html = render_text(reply, limit)
    assert len(html) <= limit
    plain, _ = parsed(html)
    assert utf16_len(plain) <= limit
    assert plain.endswith("Disclaimer & <co>")


# --- keyboard --------------------------------------------------------------


def test_keyboard_keeps_the_rows_of_the_reply() -> None:
    reply = Reply(
        (Section("Pick"),),
        "clarify",
        (
            (Button("One <1>", "e:one"),),
            (Button("Back", "b:abc:1"), Button("Cancel", "x:abc")),
        ),
    )
    markup = render_keyboard(reply)
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    # Button labels are plain text for Telegram: no escaping there.
    assert rows == [[("One <1>", "e:one")], [("Back", "b:abc:1"), ("Cancel", "x:abc")]]


def test_no_buttons_means_no_keyboard() -> None:
    assert render_keyboard(Reply((Section("Hi"),), "smalltalk")) is None


def test_keyboards_of_real_replies_match_their_buttons(brain: Brain) -> None:
    state: dict[str, Any] = {}
    for reply in (brain.topics(), brain.start_check(state), brain.welcome(state)):
        markup = render_keyboard(reply)
        assert markup is not None
        labels = [[b.text for b in row] for row in markup.inline_keyboard]
        assert labels == [[b.label for b in row] for row in reply.buttons]
        for row in markup.inline_keyboard:
            for button in row:
                assert isinstance(button.callback_data, str)
                assert 0 < len(button.callback_data.encode("utf-8")) <= 64


def test_oversized_callback_data_is_refused() -> None:
    button = Button("ok", "e:x")
    object.__setattr__(button, "data", "é" * 40)  # 80 bytes, sneaked past validation
    with pytest.raises(AssertionError):
        render_keyboard(Reply((Section("x"),), "answer", ((button,),)))
