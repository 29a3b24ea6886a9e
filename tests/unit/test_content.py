"""faq.yaml: faithful to the article, and every kind of bad file is refused clearly."""

from __future__ import annotations

import copy
import functools
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import MAX_FILE_BYTES, Content, ContentError, load_content, parse_content
from tests.support import ARTICLE, FAQ, PHRASINGS

FAQ_IDS = ["cause", "mechanism", "symptoms", "other-causes", "foods", "supplements", "see-doctor"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _article_faq_answers() -> list[str]:
    text = ARTICLE.read_text(encoding="utf-8")
    block = text.split("Frequently Asked Questions", 1)[1].split("Medical Disclaimer", 1)[0]
    return [p.strip() for p in block.split("\n") if p.strip()]


def test_the_seven_article_faq_answers_are_quoted_word_for_word(content: Content) -> None:
    answers = _article_faq_answers()
    assert len(answers) == 7
    for entry_id, original in zip(FAQ_IDS, answers, strict=True):
        assert content.by_id[entry_id].answer == original


def test_every_line_of_an_article_answer_stands_in_the_article(content: Content) -> None:
    article = _flat(ARTICLE.read_text(encoding="utf-8"))
    for entry in (e for e in content.entries if e.source == "article"):
        for line in entry.answer.splitlines():
            for part in line.lstrip("• ").rstrip(":").split(": "):
                if part.strip():
                    assert _flat(part) in article, f"{entry.id}: {part!r} is not in the article"


def test_an_answer_not_from_the_article_names_its_sources(content: Content) -> None:
    elsewhere = [e for e in content.entries if e.source != "article"]
    assert [e.id for e in elsewhere] == ["too-much"]
    for entry in elsewhere:
        assert entry.sources, entry.id
        assert all("https://" in s for s in entry.sources), entry.id


def test_disclaimer_and_source_come_from_the_article(content: Content) -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    assert content.disclaimer in article
    assert content.source.title in article
    assert content.source.more_info in article


def test_a_small_talk_phrase_of_punctuation_alone_is_named() -> None:
    # Nothing a person types could be read as "??": the bot would never use it.
    data = _raw()
    phrases = data["small_talk"][1]["phrases"]
    phrases.append("??")
    (problem,) = _problems(data)
    assert "small_talk" in problem
    assert "'thanks'" in problem
    assert problem.endswith(f"field 'phrases'[{len(phrases) - 1}]: '??' has no words to match")


def test_required_entries_exist_with_distinct_phrasings(content: Content) -> None:
    required = {*FAQ_IDS, "daily-amount", "stress-caffeine", "food-vs-supplement"}
    assert required <= set(content.by_id)
    for entry in content.entries:
        assert len(set(entry.alternates)) == len(entry.alternates) >= 5, entry.id
        assert entry.related, entry.id


# --- bad files -------------------------------------------------------------


@functools.cache
def _parsed() -> dict[str, Any]:
    data = yaml.safe_load(FAQ.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    del data["phrasings"]
    data |= yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    return data


def _raw() -> dict[str, Any]:
    """faq.yaml with its phrasings file folded in, as parse_content takes it (a
    fresh copy for each test to break; the files are parsed once)."""
    return copy.deepcopy(_parsed())


def _problems(data: Any) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse_content(data, "faq.yaml")
    assert str(info.value).startswith("faq.yaml: ")
    return info.value.problems


def test_missing_answer_names_the_entry_and_field() -> None:
    data = _raw()
    del data["entries"][2]["answer"]
    assert _problems(data) == [
        "entry[2] (id 'symptoms'), field 'answer': must be a non-empty string, got nothing"
    ]


def test_wrong_type_and_unknown_field_are_reported_together() -> None:
    data = _raw()
    data["entries"][0]["alternates"] = "not a list"
    data["entries"][1]["anwser"] = "typo in the key"
    problems = _problems(data)
    assert (
        "entry[0] (id 'cause'), field 'alternates': must be a non-empty list, got str" in problems
    )
    assert any("entry[1] (id 'mechanism'): unknown field 'anwser'" in p for p in problems)


def test_duplicate_ids_and_unknown_related_ids() -> None:
    data = _raw()
    data["entries"][1]["id"] = "cause"
    data["entries"][4]["related"] = ["nope"]
    problems = _problems(data)
    assert any("field 'id': duplicate id" in p and "entry[1]" in p for p in problems)
    assert "entry[4] (id 'foods'), field 'related': unknown entry id 'nope'" in problems


def test_an_entry_from_elsewhere_without_sources_is_refused() -> None:
    data = _raw()
    too_much = next(e for e in data["entries"] if e["id"] == "too-much")
    del too_much["sources"]
    index = data["entries"].index(too_much)
    assert _problems(data) == [
        f"entry[{index}] (id 'too-much'), field 'sources': must be a non-empty list, got nothing"
    ]


def test_threshold_out_of_range() -> None:
    data = _raw()
    data["matching"]["answer_threshold"] = 130
    assert _problems(data) == [
        "matching, field 'answer_threshold': must be between 0 and 100, got 130"
    ]


def test_adult_amounts_must_name_entries() -> None:
    data = _raw()
    data["matching"]["adult_amounts"]["entries"] = ["daily-amount", "kids-dose"]
    assert _problems(data) == [
        "matching, adult_amounts, field 'entries': unknown entry id 'kids-dose'"
    ]


def test_flow_with_unknown_target() -> None:
    data = _raw()
    data["doctor_check"]["steps"][1]["options"][2]["next"] = "nowhere"
    problems = _problems(data)
    assert any("step 'heart', options[2]" in p and "unknown step 'nowhere'" in p for p in problems)


def test_flow_with_a_loop_is_refused() -> None:
    data = _raw()
    data["doctor_check"]["steps"][2]["options"][2]["next"] = "heart"
    problems = _problems(data)
    assert any(
        "the steps loop: emergency-signs -> heart -> fainting -> face -> associated -> heart" in p
        for p in problems
    )


def test_flow_with_unreachable_step_and_unused_outcome() -> None:
    data = _raw()
    # medicines' options no longer lead to self-care and severity skips medicines.
    data["doctor_check"]["steps"][4]["options"][1] = {"label": "No", "outcome": "soon"}
    problems = _problems(data)
    assert "doctor_check, step 'medicines': cannot be reached from the start" in problems
    assert "doctor_check, outcome 'self-care': no option leads to it" in problems
    assert "doctor_check, outcome 'soon-medicine': no option leads to it" in problems


def test_option_needs_exactly_one_target() -> None:
    data = _raw()
    data["doctor_check"]["steps"][0]["options"][0]["next"] = "heart"
    problems = _problems(data)
    assert any("needs exactly one of 'next'" in p for p in problems)


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    for text in ("", "- just\n- a list\n"):
        path = tmp_path / "faq.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ContentError, match=str(path)):
            load_content(path)


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("version: 1\nentries: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(path)
    assert str(path) in str(info.value)
    assert "not valid YAML" in str(info.value)
    assert "line" in str(info.value)


def test_duplicate_key_is_refused_instead_of_silently_losing_content(tmp_path: Path) -> None:
    text = FAQ.read_text(encoding="utf-8").replace(
        "disclaimer: ", "disclaimer: first\ndisclaimer: ", 1
    )
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="duplicate key 'disclaimer'"):
        load_content(path)


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    path = tmp_path / "faq.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match="aliases"):
        load_content(path)


def test_huge_file_and_bad_encoding_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ContentError, match="limit"):
        load_content(big)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"version: 1\n\xff\xfe")
    with pytest.raises(ContentError, match="UTF-8"):
        load_content(binary)
    with pytest.raises(ContentError, match="cannot read"):
        load_content(tmp_path / "missing.yaml")


def test_python_objects_in_yaml_are_not_constructed(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("version: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_content(path)


def test_examples_must_name_existing_entries() -> None:
    data = _raw()
    data["examples"]["no-such-entry"] = ["hello"]
    data["examples"]["foods"] = "not a list"
    problems = _problems(data)
    assert "examples, entry 'no-such-entry': unknown entry id" in problems
    assert "examples, field 'foods': must be a non-empty list, got str" in problems


def test_examples_and_out_of_scope_take_part_in_matching(content: Content) -> None:
    assert all(content.by_id[e.id].examples for e in content.entries)
    assert len(content.out_of_scope) >= 100


def test_phrasings_live_in_their_own_file_and_its_problems_name_it(tmp_path: Path) -> None:
    faq = tmp_path / "faq.yaml"
    shutil.copy(FAQ, faq)
    phrasings = tmp_path / PHRASINGS.name
    phrasings.write_text("examples:\n  foods: [nuts with mg]\n  nosuch: [x]\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(faq)
    assert "faq-phrasings.yaml, examples, entry 'nosuch': unknown entry id" in str(info.value)
    phrasings.write_text("examples:\n  foods: [nuts with mg]\nentries: []\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"(?s)faq-phrasings.yaml: .*unknown field 'entries'"):
        load_content(faq)
    phrasings.unlink()
    with pytest.raises(ContentError, match="cannot read"):
        load_content(faq)


def test_the_real_content_learns_from_the_phrasings_file(content: Content) -> None:
    assert content.phrasings_path is not None
    assert Path(content.phrasings_path).name == "faq-phrasings.yaml"
    assert all(e.examples for e in content.entries)
    assert content.out_of_scope


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda d: d["ui"]["check"].update(progress="Question {n} of {total} ({percent}%)"),
            "ui.check, field 'progress': unknown placeholder {percent} (allowed: {n}, {total})",
        ),
        (
            lambda d: d["ui"]["check"].update(progress="Question {n} of {total"),
            "ui.check, field 'progress': has an unpaired '{' or '}' (write {{ or }} for a brace)",
        ),
        (
            lambda d: d["ui"].update(privacy="I keep nothing."),
            "ui, field 'privacy': must contain the placeholder {stats}",
        ),
    ],
)
def test_a_placeholder_the_code_cannot_fill_is_named(edit: Any, problem: str) -> None:
    # Each would load and then break every doctor check, or drop the statistics
    # sentence from /privacy, at run time.
    data = _raw()
    edit(data)
    assert _problems(data) == [problem]


def test_an_emergency_pattern_that_can_never_match_is_named() -> None:
    # Messages are read as words of letters and digits: "knee-bleed" is two.
    data = _raw()
    data["emergency"]["signs"][0]["patterns"].append("face droop-ing")
    data["emergency"]["signs"][1]["if_sudden"] = ["*"]
    problems = _problems(data)
    n = len(data["emergency"]["signs"][0]["patterns"]) - 1
    assert problems == [
        f"emergency.signs[0], field 'patterns'[{n}]: 'droop-ing' can never match a message's "
        "word: lowercase letters and digits, '*' after a stem",
        "emergency.signs[1], field 'if_sudden'[0]: '*' can never match a message's word: "
        "lowercase letters and digits, '*' after a stem",
    ]


def test_a_related_entry_listed_twice_is_named() -> None:
    data = _raw()
    first = data["entries"][0]
    first["related"] = [first["related"][0], first["related"][0]]
    assert _problems(data) == [
        f"entry[0] (id '{first['id']}'), field 'related': '{first['related'][0]}' is listed "
        "twice (it would be two buttons)"
    ]


def test_passed_signs_must_name_signs() -> None:
    data = _raw()
    data["emergency"]["passed_signs"]["signs"] = ["face drooping", "face droping"]
    assert _problems(data) == [
        "emergency.passed_signs, field 'signs': unknown sign 'face droping' "
        "(not in emergency.signs)"
    ]


def test_more_buttons_than_a_phone_shows_are_refused() -> None:
    data = _raw()
    ids = [e["id"] for e in data["entries"]]
    first = data["entries"][0]
    first["related"] = [i for i in ids if i != first["id"]]
    problems = _problems(data)
    assert problems == [
        f"entry[0] (id '{first['id']}'), field 'related': at most 10 (one button each)"
    ]


def test_named_illness_must_name_entries() -> None:
    data = _raw()
    data["matching"]["named_illness"]["entries"] = ["cause", "causes"]
    assert _problems(data) == [
        "matching, named_illness, field 'entries': unknown entry id 'causes'"
    ]


def test_amount_asked_must_name_entries() -> None:
    data = _raw()
    data["matching"]["amount_asked"]["then"] = "daily-amounts"
    assert _problems(data) == [
        "matching, amount_asked, field 'then': unknown entry id 'daily-amounts'"
    ]


def test_why_both_must_name_two_entries() -> None:
    data = _raw()
    data["matching"]["why_both"] = ["cause", "causes"]
    assert _problems(data) == ["matching, field 'why_both': unknown entry id 'causes'"]
    for wrong in (["cause"], ["cause", "cause"]):
        data["matching"]["why_both"] = wrong
        assert _problems(data) == ["matching, field 'why_both': must name two different entry ids"]


def test_supplement_forms_name_known_entries() -> None:
    data = _raw()
    data["matching"]["supplement_forms"]["entries"] = ["supplements", "supplement"]
    assert _problems(data) == [
        "matching, supplement_forms, field 'entries': unknown entry id 'supplement'"
    ]


def test_a_small_talk_menu_flag_is_true_or_false() -> None:
    data = _raw()
    data["small_talk"][0]["menu"] = "yes"
    (problem,) = _problems(data)
    assert problem.endswith("field 'menu': must be true or false, got str")
    assert "small_talk" in problem
