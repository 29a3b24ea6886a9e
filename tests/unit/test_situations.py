"""Thoughts of suicide and tablets swallowed in excess get advice of their own
first (faq.yaml `emergency.situations`, bot/situations.py); a negation, a
question about doses and an ordinary tablet do not; a sign happening now still
gets the emergency advice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import CHECK_KEY, Brain
from bot.content import Content, ContentError, Situation, load_content
from bot.situations import SituationFinder
from tests.support import light_faq


def _advice(content: Content, name: str) -> str:
    return next(s.message for s in content.emergency.situations if s.name.startswith(name))


@pytest.mark.parametrize(
    "message",
    [
        "i want to kill myself",
        "i want to die",
        "i dont want to live anymore",
        "im going to end it all, this twitching is too much",
        "sometimes I think everyone would be better off without me",
        # Slips, slang and other ways of saying it (a helper typed these as users).
        "im going to kil myself",
        "thinking of killign myself",
        "kill my self",
        "feeling sucidal",
        "dont wanna be here anymore",
        "i dont wanna live anymore",
        "life isnt worth living",
        "i want to take my life",
        "im thinking of ending it all",
        "i just want to go to sleep and not wake up",
        "i want to hurt myself",
        "i cut myself last night",
        "plan to overdose on my pills",
        "what is a lethal dose of magnesium",
        # Said of someone else, with means, or as hopelessness (a user pass, round 11).
        "my son says he wants to kill himself",
        "my husband says he wants to end his life",
        "he has a knife and says he wants to die",
        "no point living anymore",
        "no reason to live",
        # A "don't" before "see the point" is no denial of the hopelessness (round 12).
        "i dont see the point in living",
        "i cant see the point anymore",
        "i cant see the point in going on",
        "i don't see the point in living like this",
        # Round 13 (a user pass): being here, not existing, not waking, a burden.
        "i dont see the point in me being here anymore",
        "i just want to not exist",
        "whats the point of anything tbh",
        "what's the point in carrying on",
        "honestly cant do this anymore, want it all to stop",
        "everyone wud be better off if i was dead",
        "no one would even notice if i was gone",
        "sometimes i hope i just dont wake up",
        "tired of being alive",
        "wish i'd never been born",
        "my bf keeps saying hes going to top himself",
        "i keep thinking about jumping off the bridge near me",
        # A second pass on the round's phrases.
        "i just wanna stop existing",
        "no point in me being alive is there",
        "nobody would even notice if i died tbh",
        "im so tired of existing",
        "ive given up on life",
        "ima kms",
        "been stockpiling my meds for weeks for when i do it",
        "i hope i dont wake up in the morning",
        "i just want everything to stop",
        "im going to jump in front of a train",
        "theyd all be happier without me honestly",
        # An independent pass at the end of round 13 (its misses, then fixed).
        "theres no point being here anymore",
        "kms honestly",
        "i've got the rope ready",
        "i've had enough of life, tonight's the night",
        "honestly cba with life anymore, got the tablets lined up",
        # Round 14: a plan told as pills kept for one go.
        "i have pills saved to take all at once",
        "got tablets saved up to take all together tonight",
        "ive been keeping back my antidepressants instead of taking them and ive got enough now to end it",
        "secretly saving my tramadol, planning to swallow them all at once this weekend",
        "been collecting sleeping tablets for ages. tonight im taking the lot",
        "been putting aside a tablet every day, nearly got enough to not wake up",
        # Round 14's independent pass (its misses, then fixed).
        "planning to end it tonight",
        "keep thinking about how to die and ive bought what i need",
        # Round 14's last independent pass (its misses, then fixed).
        "theres no point anymore, ive got a rope in the garage and im going to do it",
        "sitting on the edge of the roof right now and im going to jump",
        "my lip twitch doesnt even matter anymore, im planning to take all my meds tonight",
        "im done, going to crash my car on purpose on the way home",
        "been hoarding my magnesium and sleeping pills so i can overdose this weekend",
        # Round 15's independent pass (its misses, then fixed).
        "sat on a rooftop rn, sent my last selfie to my ex, this is it",
        "standing at the cliff edge now, just took a photo to send my mum as goodbye",
        "im going to take everything in the medicine cupboard to end it",
        "tonights the night i end it",
        # A second review of round 15's phrases: what their vetoes hid.
        "im standing on the bridge and im going to jump in",
        "standing on the roof and ill jump at midnight",
        "im standing at the edge and going to jump",
        "im on the roof of the pub, goodbye everyone",
        "honestly whats the point, ive got a rope and im thinking about using it tonight",
        "planning to take everything in the medicine cupboard once everyones asleep",
        "im so done, i keep thinking about stepping in front of a train, im at the station now",
    ],
)
def test_thoughts_of_suicide_get_the_crisis_lines_first(
    brain: Brain, content: Content, message: str
) -> None:
    reply = brain.on_text({}, message)
    assert reply.sections[0].text == _advice(content, "thoughts of suicide")
    first = reply.sections[0].text
    assert all(n in first for n in ("116 123", "988", "999"))
    assert reply.urgent
    # Not followed by "if this is not an emergency, ask on".
    assert content.ui["emergency_continue"] not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "my friend took a whole bottle of magnesium pills",
        "my kid swallowed a bunch of magnesium pills",
        "my toddler ate my magnesium tablets",
        "my 3 year old ate some of my magnesium gummies",
        "i think i overdosed on magnesium",
        "i took too much magnesium what happens",
        "i took 10 magnesium tablets",
        "my 2yo got hold of the magnesium bottle",
        "toddler chewed some pills",
        # Household chemicals, other medicines, all of someone's pills (round 11).
        "my son drank bleach",
        "he swallowed a battery",
        "i took 30 paracetamol",
        "i took all my sleeping pills",
        "my son swallowed a bottle of magnesium tablets",
        "took a load of pills",
        # All of someone's tablets, told without a day's routine (round 12).
        "took all my pills",
        "she took all her tablets",
        "i took all my pills together",
        "he took all his pills with vodka",
        "i took all my pills and now i feel sleepy",
        # Round 13 (a user pass): medicines by name, strips, doses, insulin.
        "my mum just took all her antidepressants please help",
        "my son swallowed a bottle of calpol",
        "my friend od'd on her fluoxetine just now",
        "just downed a full box of co-codamol",
        "gf took a whole strip of citalopram",
        "took 20 of my bp tablets pls what now",
        "my dad injected way too much insulin",
        "ive taken all my zopiclone and drank wine",
        "toddler got into the paracetamol",
        "my little girl swallowed grandmas blood pressure tablets",
        "grandad took double his warfarin by accident",
        "teen daughter took loads of ibuprofen after a row",
        "nan took her whole weeks pills in one go by mistake",
        # A second pass on the round's phrases.
        "took all my meds at the same time what happens now",
        "took all of mums pills",
        "swallowed 14 of my mums diazepam",
        "took 16 paracetamol an hour ago",
        "took loads of my nans pills",
        "i did my insulin twice by mistake",
        "gave him double his insulin by mistake",
        "swallowed a whole weeks worth of pills",
        "my little one just chewed through a blister pack of my sertraline",
        "i think i od'd on oxy pls help",
        # An independent pass at the end of round 13 (its misses, then fixed).
        "took a load of co-codamol and vodka",
        "found my sister with empty pill packets around her",
        "tookl too many magnesium and paracetmol tablets on purpose feel really sleepy",
        # Round 14: a child into the cupboard, a bottle of a child's medicine.
        "my toddler got into the cupboard and ate my iron tablets",
        "kid got into the medicine cabinet and swallowed some pills",
        "my 3 year old just drank calpol, most of the bottle",
        "she drank the rest of the bottle of calpol",
        "my 4 yr old ate a heap of chewable vitamins the whole tub is gone",
        "twins got into nans bag and ate her blood pressure tablets maybe 4 or 5 gone",
        "my 2 year old drank the rest of the piriton bottle",
        "daughter bit into a dishwasher tablet and swallowed some",
        "accidentally injected double my insulin and im shaky and sweaty",
        "child had a sip of antifreeze in the garage",
        # Round 14's last independent pass (its misses, then fixed).
        "my daughter ate some of nanas heart tablets and i dont know how many",
        "my kid just drank some of the washing up liquid",
        # Round 15's independent pass (its misses, then fixed).
        "accidentally drank from a bottle that had weed killer in it, it was in the shed",
        "toddler chewed a laundry pod and now hes coughing and being sick",
        "i have swallowed my whole month of meds 20 min ago",
        "mixed a load of vodka and diazepam and now i cant keep my eyes open",
        # Round 15's over-reach pass (its misses, then fixed).
        "necked 4 tramadol with a bottle of wine, im so drowsy",
        "had half a bottle of vodka and 6 diazepam, cant stay awake",
        # Round 15's last independent pass (its misses, then fixed).
        "just swallowed a whole strip of my mums pills",
        "my 2yo got into the dishwasher tabs, one was in his mouth and its been chewed",
        "flatmate drank a whole bottle of vodka and is throwing up and cant stand",
        # A review of round 15's phrases: their commonest wordings, first missed.
        "my kid ate a tide pod while i was walking the dog",
        "my son ate two laundry pods",
        "swallowed a whole month of my prescribed sertraline",
        "mixed xanax and booze and i can barely keep my eyes open, is it safe to sleep",
        "i took a whole month of my tablets, please stay with me",
        "he mixed diazepam with vodka, hes slurring, can i take him to bed or should i call",
        "my baby chewed a laundry pod and the dog chewed the box",
        "mixed up my dosette box and took 3 days worth of tablets at once, feel really odd",
    ],
)
def test_tablets_swallowed_in_excess_get_poison_advice_first(
    brain: Brain, content: Content, message: str
) -> None:
    reply = brain.on_text({}, message)
    assert reply.sections[0].text == _advice(content, "tablets swallowed")
    assert all(n in reply.sections[0].text for n in ("1-800-222-1222", "111"))


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("my arm went numb, what foods have magnesium", "foods"),
        ("my arm went numb. how much magnesium a day?", "daily-amount"),
    ],
)
def test_the_question_beside_a_sign_is_one_tap_below_the_emergency_advice(
    brain: Brain, message: str, entry: str
) -> None:
    reply = brain.on_text({}, message)
    assert reply.kind == "emergency"
    first = reply.buttons[0][0]
    assert "answer" in first.label.lower()
    shown = brain.on_button({}, first.data)
    assert shown.kind == "answer"
    assert shown.entry == entry


@pytest.mark.parametrize(
    "message",
    [
        "28 weeks pregnant, bad headache, blurry vision and swollen feet",
        "pregnant with a terrible headache and seeing flashing lights",
        "im pregnant and my hands and face are really swollen",
        "pregnant with pain under my ribs",
        "pregnant and seeing flashing lights",
        "pregnant and flashing lights in front of my eyes",
        "im pregnant and my headache is awful",
        "heavily pregnant and my vision keeps going fuzzy with sparkles, feel awful",
    ],
)
def test_warning_signs_in_pregnancy_get_the_midwife_and_111_first(
    brain: Brain, content: Content, message: str
) -> None:
    reply = brain.on_text({}, message)
    assert reply.sections[0].text == _advice(content, "warning signs in pregnancy")
    assert all(n in reply.sections[0].text for n in ("midwife", "111", "999"))


@pytest.mark.parametrize(
    "message",
    [
        "im 12 weeks pregnant, can i take magnesium for leg cramps",
        "pregnant and my feet are swollen, is that low magnesium",
        "is magnesium safe in pregnancy",
    ],
)
def test_pregnancy_without_its_warning_signs_gets_the_usual_reply(
    brain: Brain, content: Content, message: str
) -> None:
    reply = brain.on_text({}, message)
    assert _advice(content, "warning signs in pregnancy") not in reply.text


@pytest.mark.parametrize("message", ["ok calling 111 now", "ringing 111 now"])
def test_calling_111_is_told_that_999_is_for_stroke_and_chest_signs(
    brain: Brain, content: Content, message: str
) -> None:
    # After the emergency advice, "ok calling 111 now" got "did you mean" (a user
    # pass, round 14): 111 is not the number for a stroke.
    reply = brain.on_text({}, message)
    assert reply.sections[0].text == _advice(content, "calling NHS 111")
    assert "999" in reply.sections[0].text


@pytest.mark.parametrize(
    "message",
    ["i called 111 yesterday and they said its fine", "should i call 111 about my lip twitching"],
)
def test_111_told_of_in_the_past_or_asked_about_gets_the_usual_reply(
    brain: Brain, content: Content, message: str
) -> None:
    assert _advice(content, "calling NHS 111") not in brain.on_text({}, message).text


@pytest.mark.parametrize(
    "message",
    [
        "should i just drive her to a&e myself",
        "shall i drive my dad to the er",
        "ill take her to hospital",
    ],
)
def test_driving_to_a_and_e_is_told_that_an_ambulance_is_for_stroke_and_chest_signs(
    brain: Brain, content: Content, message: str
) -> None:
    # After the emergency advice, "should i just drive her to a&e myself" got
    # "I'm not sure the article answers that" (a user pass, round 15).
    reply = brain.on_text({}, message)
    assert reply.sections[0].text == _advice(content, "driving to A&E")
    assert "999" in reply.sections[0].text


@pytest.mark.parametrize(
    "message",
    [
        "i drive my mum to the hospital for her appointment tomorrow",
        "a helicopter arrived to take him to hospital",
        "can i drive after taking magnesium",
    ],
)
def test_driving_told_of_or_for_an_appointment_gets_the_usual_reply(
    brain: Brain, content: Content, message: str
) -> None:
    assert _advice(content, "driving to A&E") not in brain.on_text({}, message).text


def test_a_stroke_sign_in_pregnancy_still_gets_the_emergency_advice(
    brain: Brain, content: Content
) -> None:
    reply = brain.on_text({}, "pregnant, my face is drooping on one side")
    assert reply.sections[0].text == content.emergency.message


def test_the_answer_is_one_tap_below_the_advice(brain: Brain) -> None:
    # "I took too much magnesium, what happens": the too-much answer is a button.
    reply = brain.on_text({}, "i took too much magnesium what happens")
    labels = [b.label for row in reply.buttons for b in row]
    assert any("answer" in label.lower() for label in labels), labels


@pytest.mark.parametrize(
    "message",
    [
        # Fear, or a denial, is not a wish to die.
        "i don't want to die from this twitching",
        "i'm not suicidal just worried",
        # Questions about doses, and ordinary tablets.
        "can you overdose on magnesium",
        "how much magnesium is too much",
        "what happens if you take too much magnesium",
        "I swallowed a magnesium tablet whole",
        "a whole bottle lasts me two months",
        "i had too much coffee and my lip twitches",
        "my daughter takes magnesium gummies every day",
        "my son ate some of the spinach, is that enough magnesium",
        # Figures of speech, everyday mishaps, and water.
        "im killing myself at the gym every day, could that cause twitching",
        "this twitching is killing me",
        "i could kill for a coffee",
        "I don't want to live with this twitching forever",
        "I cut myself shaving",
        "i hurt myself at the gym",
        "i drank a whole bottle of water today",
        "i took too many shifts this week",
        "Why Taking Magnesium Changed My Life",
        "Local anesthetic usually subsides after 3-4 hours.",
        "is it possible to overdose on magnesium",
        "i ran 5 kms today",
        "i wanna die of embarrassment my lip twitched on a date",
        "i have no thoughts of self harm",
        "i ate a whole tub of pumpkin seeds is that too much magnesium",
        "i took too much time off work",
        "i overdosed on coffee today lol",
        "my son swallowed his tablet whole is that ok",
        "i feel like killing my boss lol hes stressing me out",
        "this is killing my back",
        "i drank a bottle of water",
        # Over-reach a check found in the round's first, broad phrases.
        "no point in buying expensive magnesium",
        "i have my pills ready in my organiser for the week",
        # A day's doses taken as usual; a point not seen in a way of living.
        "i took all my pills this morning, can i take magnesium",
        "my dad took all his meds this morning, is it ok to give him magnesium at night?",
        "she took all her tablets at breakfast, when should magnesium go?",
        "i dont see the point in living on pills when food has magnesium",
        "i dont see the point of taking magnesium",
        "i dont see the point anymore of buying expensive magnesium",
        "i dont see the point in carrying on with magnesium tablets",
        "i took all my tablets so can i take magnesium now",
        "took all my tablets except the magnesium",
        "took all my pills and supplements today, all good",
        "took a bottle of magnesium on holiday",
        "i was poisoned by bad fish years ago",
        "my son ate his magnesium gummy, the right dose",
        # Round 13: near-misses of the new phrases.
        "i dont want to wake up early tomorrow",
        "i dont want to wake up with cramps again",
        "'i dont want to live forever' whats that song",
        "my nan always said better off dead than red lol",
        "whats the point of trying magnesium if it doesnt work",
        "i want it all to stop twitching",
        "im tired of living with this twitch",
        "giving up on caffeine, will it help",
        "i took all my antidepressants this morning as usual",
        "i took a double dose of magnesium by mistake",
        "i took every pill on time this week",
        "my daughter swallowed her thyroid tablet this morning",
        # Over-reach a second pass found in the round's first phrases.
        "I feel a bit odd on sertraline, could that be why my lip twitches?",
        "Necked a full bottle of water with my magnesium",
        "I've taken 30 of the 60 tablets so far, when should I reorder?",
        "I've taken 2 boxes of paracetamol over the past month",
        "My boy got into Iron Man triathlons",
        "I pick up a week's pills in one go from the chemist",
        "took my whole days pills at once this morning, i always do",
        "I injected all my insulin for today, basal and bolus",
        "The pharmacist gave me double the tablets this month",
        "What's the point of me taking magnesium if I eat spinach every day?",
        "Nobody would notice if I was gone for an hour, so I'll nip to the pharmacy",
        "My cat would notice if I was gone, she sits on me when my lip twitches haha",
        "Should I top myself back up with magnesium after a long run?",
        "Just ran 12 kms tbh",
        "I've got tablets saved for the holiday",
        "Hope I don't wake up twitching again tonight",
        "I wish Mondays did not exist, my eyelid twitches all day at work",
        "I just want this lip twitch to disappear forever!",
        "theres no point being here if the chemist is closed",
        "got my pills lined up for the week in the organiser",
        "ive had enough of life admin this week, anyway magnesium",
        # Round 14: bottles, cupboards and tablets taken together, everyday.
        "i swallowed my pills with the rest of the bottle of juice",
        "i drank my tablets with the rest of the bottle of water",
        "my son got into the cupboard and ate all the biscuits",
        "i keep my pills saved to take together with breakfast",
        "stockpiled some migraine meds because the pharmacy keeps running out",
        "i save my painkillers for bad period days only, is that the best way to use them",
        "i put all my morning pills in one little cup so i dont forget any",
        "my son had his piriton and the rest of his dinner",
        "planning to end it with my boyfriend, will my eye twitch stop when im less stressed",
        "how to dye my hair without irritating my lips",
        # A review of round 14's first phrases: everyday words they caught.
        "im 60 years old, ate a healthy diet, take vitamin d, is a few mg of magnesium enough?",
        "my son ate breakfast and had his vitamin, the bottle is nearly empty, which brand next",
        "my toddler bit into a battery operated toy and is fine",
        "kid chewed on a pod of peas",
        "this coffee tastes like a sip of poison lol",
        "i've been saving my magnesium tablets for bedtime, is it ok to take them all at once?",
        "i put my pills aside for the holiday, can i take them all together with food",
        "how to die my hair without twitching",
        "should i call 111 or see my gp about my twitching eye",
        "my gp said to phone 111 out of hours",
        "when i was pregnant i had terrible headaches, can magnesium help with migraines?",
        "my mum hoards old medicine in the kitchen drawer, how do i get rid of the expired ones",
        # Round 15: everyday words beside the round's phrases.
        "ive got a rope swing in the garden and im thinking about using it tonight",
        "standing on the bridge right now taking photos, lovely view",
        "took my whole month of meds on holiday with me",
        "can i mix alcohol with diazepam",
        # Round 15's over-reach pass: everyday words its first phrases caught.
        "sitting on the bridge rn fishing with my grandad, lip twitching like mad",
        "got some rope for the tent, going to use it this weekend",
        "i was walking in front of the bus stop when my lip started twitching",
        "planning to take everything in the medicine box on holiday, can it go in hand luggage",
        "want to take everything in the medicine cupboard out and clean it",
        "ive taken the entire month of tablets as prescribed, can i stop now",
        "had a glass of wine last night, now wondering if magnesium interacts with my sleeping tablets",
        "this magnesium tastes a bit like a dishwasher tablet lol",
        "my mate got drunk and sprayed weed killer all over his own lawn lol",
        "tonights the night i end it with my ex",
        "i took 3 days worth of meds away with me",
        "my mate drank a whole bottle of vodka last weekend and was sick lol",
        # A review of round 15's phrases: everyday words they caught.
        "sitting at the edge of the pool watching the kids jumping in, is magnesium ok for swimmers",
        "sat on the edge of my bed thinking about whether to end it with my boyfriend",
        "i had a drink before sleeping and my eyes are twitching today",
        "should i keep taking them in hospital",
        "im taking my son to hospital for his bloods next week",
    ],
)
def test_fear_denials_and_dose_questions_get_their_usual_reply(
    brain: Brain, content: Content, message: str
) -> None:
    reply = brain.on_text({}, message)
    advice = {s.message for s in content.emergency.situations}
    assert not advice.intersection(s.text for s in reply.sections)


def test_a_sign_happening_now_gets_the_emergency_advice(brain: Brain, content: Content) -> None:
    reply = brain.on_text(
        {}, "took way too much magnesium now i feel really weak and my heart is slow"
    )
    assert reply.sections[0].text == content.emergency.message


def test_the_advice_ends_a_doctor_check_in_progress(brain: Brain, content: Content) -> None:
    state: dict[str, object] = {}
    brain.start_check(state)
    assert CHECK_KEY in state
    reply = brain.on_text(state, "my toddler ate my magnesium tablets")
    assert reply.sections[0].text == _advice(content, "tablets swallowed")
    assert CHECK_KEY not in state


def test_phrases_keep_their_order_and_gaps(content: Content) -> None:
    only = [s for s in content.emergency.situations if s.name.startswith("thoughts")]
    finder = SituationFinder(only)
    assert finder.find("kill myself") is not None
    assert finder.find("myself kill") is None  # in order
    assert finder.find("want to really truly die") is None  # at most two words between
    assert finder.find("I want to truly die") is not None


def test_a_phrase_of_parts_needs_every_part_in_any_order() -> None:
    finder = SituationFinder([Situation("plan", "advice", ("saving|saved pills & all once",), ())])
    assert finder.find("saving my pills to take them all at once") is not None
    assert finder.find("all at once is how i'll take them, i saved pills for it") is not None
    assert finder.find("saving my pills for the holiday") is None
    assert finder.find("take them all at once") is None
    asked = SituationFinder(
        [Situation("plan", "advice", ("saving|saved pills & all once & !can i",), ())]
    )
    assert asked.find("saved my pills, can i take them all at once?") is None
    assert asked.find("saved my pills to take them all at once") is not None


def test_a_malformed_phrase_names_the_situation_and_phrase(tmp_path: Path) -> None:
    faq = light_faq(tmp_path)
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace('- "overdosed !on', '- "over-dosed !on', 1), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(faq)
    assert info.value.problems == [
        "emergency.situations[1], field 'phrases'[0]: 'over-dosed' is not a word: lowercase "
        "letters and digits, '|' between alternatives, '*' after a stem, '!' before words "
        "that must not follow, '@' before the name of a list of emergency.situation_words, "
        "' & ' between parts found anywhere, '!' before a part that must not be"
    ]


def test_a_phrase_may_name_a_list_of_words(tmp_path: Path) -> None:
    faq = light_faq(tmp_path)
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("odded on @meds", "odded on @medicines", 1), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(faq)
    (problem,) = info.value.problems
    assert problem.startswith("emergency.situations[1], field 'phrases'[")
    assert "'@medicines' names no list of emergency.situation_words (lists: kids, " in problem
    # Each name stands for its words: one list serves every phrase.
    content = load_content(light_faq(tmp_path / "ok"))
    poison = next(s for s in content.emergency.situations if s.name.startswith("tablets"))
    assert not any("@" in p for p in poison.phrases)
    assert sum("fluoxetine" in p for p in poison.phrases) > 5
