"""Emergency signs as a worried person writes them: every red flag gets the
emergency advice first, however it is worded or wherever it is in the message;
a mention that is not an emergency (negated, in the past, a question about a
condition, an everyday trigger) gets the person's answer, with one emergency
line when it may still be happening."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.brain import CHECK_KEY, Brain
from bot.content import Content
from bot.evaluation import format_report, load_labelled, run, summarize
from bot.replies import Reply, Section
from bot.safety import (
    LEARNED_SIGN,
    Assessment,
    EmergencyDetector,
    RedFlagOpinion,
)
from bot.safety_reading import LONGEST_SENTENCE, normalize_all
from bot.text import MAX_READ_CHARS
from tests.support import DATA, labelled_items

NUMBERS = ("999", "112", "911")
TELEGRAM_MAX_CHARS = 4096


def ask(brain: Brain, text: str) -> Reply:
    return brain.on_text({}, text)


def _items(name: str) -> list[dict[str, Any]]:
    return labelled_items(DATA / name)


def _figures(brain: Brain, items: list[dict[str, Any]]) -> tuple[float, float, float]:
    """Red flags whose reply leads with the emergency numbers (as `faqbot eval`
    counts recall), red flags given the full advice, and calm messages given the
    full advice (false alarms), in per cent."""
    red = [ask(brain, i["text"]) for i in items if i["expect"] == "emergency"]
    calm = [ask(brain, i["text"]) for i in items if i["expect"] != "emergency"]
    return (
        100.0 * sum(r.urgent for r in red) / len(red),
        100.0 * sum(r.kind == "emergency" for r in red) / len(red),
        100.0 * sum(r.kind == "emergency" for r in calm) / max(1, len(calm)),
    )


# -- every red flag ------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        # The one-sided face in ordinary words.
        "the right side of my mouth sags",
        "can't puff out my cheek on one side",
        "my smile looks uneven since lunch",
        "saliva keeps running out of the left corner of my mouth",
        # Anaphylaxis named (NHS anaphylaxis), the heart stopping, a face gone limp.
        "severe allergic reaction, my lips are swelling",
        "i think im going into anaphylactic shock",
        "my dad is in cardiac arrest",
        "half of my face went limp",
        "half my face feels dead",
        "food keeps falling out of one side of my mouth",
        "my smile is only on one side now",
        "my leg gave out and my face looks weird",
        # The other signs.
        "the worst headache I've ever had",
        "my mum is suddenly confused and doesn't know where she is",
        "I suddenly lost the vision in one eye",
        "my dad just collapsed in the kitchen",
        "my lips and tongue are swelling and I can't swallow",
        "my lips are swollen and it's hard to breathe",
        "chest pain and I feel dizzy",
        "my heart is racing and irregular and I feel dizzy",
        "my heart is pounding and I'm breathless",
        "he is having a fit",
        "she keeps having seizures",
        # Sudden swelling of the tongue (NHS anaphylaxis), seizures and collapse in UK words.
        "my tongue is swelling up",
        "my lips are going blue",
        "she's fitting",
        "he's not waking up",
        "everything went black",
        "half my vision is gone",
        "he's jerking all over",
        # What only looks like a negation or like talking to someone.
        "I don't know what is happening my face is drooping",
        "he can't speak to me properly",
        # Leaning to one side is a sign, not a trigger; zero warning is no negation.
        "he is leaning to one side and his arm is numb",
        "I had zero warning and then my face started drooping",
        # A negation nearby that is not the sign's.
        "her face, not just her mouth, is drooping",
        "my face is drooping, not sure why",
        # "Make" is no question about a cause here.
        "can you make sense of this, her face is drooping on one side?",
        "his face is drooping, does that make you think of a stroke?",
        # Something lasting weeks told beside a sign that is sudden now.
        "I've had a headache for weeks and now my face is drooping",
        "my lip has twitched for months and today my face is drooping",
        "she's been forgetful for years but since this morning she can't speak",
        "for the past few weeks he's had chest pain, it's crushing right now",
        "my face has been drooping for 2 hours",
        # An everyday trigger denied or only compared with is no cause.
        "I hadn't been to the dentist, yet the right side of my mouth had gone numb",
        "the left side of my face is numb, like I had a Novocaine injection",
        "the left side of my face is numb, as if I had been to the dentist",
        "my arm went numb, I wasn't sitting on it",
        # Words that only begin like an everyday trigger ("hotel", "situation").
        "I suddenly went dizzy and my vision went black in the hotel lobby",
        "my arm went numb in the middle of a situation at work",
        # Round 7's wording: grabbing the chest, struggling to breathe, turning
        # blue, in and out of consciousness, words no one understands.
        "my nose is blocked and I'm struggling to breathe, my lips are blue",
        "I struggled to breathe and grabbed my chest",
        "his lips are turning blue",
        "he dropped to the floor and started to turn blue",
        "he keeps going in and out of consciousness",
        "her words are incomprehensible",
        "the left side of my face is tingling",
        "my left eye isn't closing properly",
        # A past told beside a sign happening now.
        "my dad recently had a stroke and now his face is drooping again",
        "she had a seizure when she was 5 and she is seizing now",
        "we are waiting for an ambulance, he is not breathing",
        "my doctor said it was nothing but now my face is drooping",
        "my dad had a stroke on march 3 and now he can't speak again",
        "today is the 5th of june and my face is drooping",
        "should I take him to the hospital? he is having chest pain",
        # The topic beside a sign told as happening.
        "had a convultion, is it low magnesium??",
        "his throat is closing, it makes it hard to breathe",
        "the left side of my face is numb, can anxiety make your face numb?",
        # "Recovery" is no past event here.
        "he collapsed and isn't breathing, I put him in the recovery position",
        # Something over before, the sign now (a review of round 5's past phrases).
        "my dad had a stroke last week and now his face is drooping again",
        "she recovered from a faint but now can't speak",
        "he fainted and hasn't recovered, he is unresponsive",
        "I'm fine now but my face is drooping on one side",
        "he had a seizure last week and he is seizing again now",
        "grandma had a mini stroke last month and now she can't lift her arm",
        "my husband recovered from covid and now has crushing chest pain",
        "She fainted last month. She is not breathing.",
        "My dad had a stroke last week. He is slurring his words again.",
        "I had a stroke years ago and now my face is drooping again",
        "I had a stroke last year and now my face is drooping again",
        "he had a stroke a while back and now his face is drooping again",
        "my dad had a heart attack years ago and he has chest pain again",
        # A sign in the present tense of its own, after "and", is not in the past.
        "he had a stroke years ago and his face is drooping",
        "she had a mini stroke last year and her speech is slurred",
        "my dad had a heart attack in 2018 and he has crushing chest pain",
        "he had a seizure last year and he is seizing again",
        # A sentence pointing back in the present tense is not in the past.
        "She fainted years ago. She is not breathing.",
        "He had a stroke last year. He is slurring his words.",
        "He had a stroke years ago. He can't speak and his face droops.",
        "my mum had a TIA months back, she now has slurred speech",
        # Any negation in a sign ("not moving", "wasn't moving", "isn't working").
        "the left side of his mouth wasn't moving",
        "her right side isn't working",
        # Sudden swelling of the lips, mouth or face (NHS anaphylaxis: call 999).
        "my lips are swelling up",
        "my lip suddenly swelled up after eating peanuts",
        "i took magnesium and now my throat is swelling",
        "lips swelling after bee sting",
        "I got stung and my lip is swollen",
        "my throat swelled up after eating shrimp",
        "my throat is swelling and I can't swallow, I have a cold",
        "my face is getting bigger by the minute",
        # Slurred speech described, not named.
        "he sounds like he has a mouth full of marbles",
        "she sounds like she has something in her mouth when she talks",
        "dad is talking like he's drunk but he hasn't had a drink",
        # The NHS's own lay words (stroke: arms; heart attack: the pain spreading).
        "she can't lift both arms and keep them up",
        "i'm finding it very difficult to breathe",
        "I'm having difficulty catching my breath",
        "the pain is spreading to my arm and jaw",
        # Someone in the question, or no passing state: still now.
        "is my face drooping because of low magnesium?",
        "is he having a seizure from low magnesium?",
        "my face is drooping and i'm so tired",
        # Last week is over; what is back or happening again is not.
        "last week my face started drooping and now i can't speak",
        "i had chest pain last week and it's back now",
        "my dad had a seizure in 2019 and it's happening again",
        # Since yesterday, or yesterday and still: now.
        "since yesterday my face is drooping",
        "he collapsed yesterday and he's still not awake",
        "my face started drooping yesterday and it's getting worse",
        "last friday my face started drooping and it's still drooping now",
        # "Don't think" before a sign that is no condition's name, or no doubt.
        "i dont think hes breathing",
        "i think he is having a heart attack",
        # Distress wording a user pass found missed (round 11).
        "my mum face gone all wonky",
        "my mum is on the floor and not answering me",
        # A negation of something else does not undo a sign's own "can't".
        "my asthma inhaler isnt working cant breathe",
        "hes choking on food",
        # Fine now, but a sign now too; a child's age now.
        "he had a seizure yesterday, he is fine now but seizing again",
        "my son is 6 years old and he is having a seizure",
        # Round 12's tuning wording: lay words for the signs.
        "i am unable to breathe",
        # Someone named: what a thing can cause is happening to them.
        "peanuts can trigger a reaction, my throat is closing",
        "my allergy can cause hives and now my throat is closing",
        "too much magnesium can cause this, mum collapsed and isnt responding",
        # Not knowing what to do is no memory of a sign; "not fine now" is no
        # recovery, nor a recovery with a sign after it (a user pass, round 12).
        "i dont know what to do i cant breathe",
        "i dont know what to do my baby went limp",
        "he had a seizure and is not fine now",
        "dad was doing well after his op but he just collapsed",
        "he had chest pain and was fine now hes grey and sweating",
        "sudden awful headache",
        "allergic reaction lips swelling",
        "fitting now",
        # Someone who fell and lies still, gone limp, a baby fitting (round 12).
        "my dad is not moving on the floor",
        "my son went limp in the bath",
        "babys fitting been 5 mins",
        "dad fell and hes not moving",
        "hes gone limp and grey",
        "she went limp",
        "baby fitting",
        # A friend or partner named in slang; a seizure going on for minutes; a
        # run-on sentence after "fitting" or "collapsed" (a user pass, round 13).
        "my mates fitting on the floor help",
        "my mate's been fitting for 5 mins now",
        "bruv fitting again second one today",
        "shes fitting the ambulance is coming",
        "he collapsed the moment he stood up",
        "she collapsed the paramedics are on the way",
        # A guess at what the sign is, not a statement about signs in general.
        "chest pain might be a heart attack",
        "face drooping could be a stroke",
        "my baby had a fit because of her temperature",
        "she had a fit about ten minutes ago",
        "me nans fitting help",
        "hes fitting kitchen floor help",
        "nan collapsed her trolley fell over in tesco",
        "mum collapsed table went flying help",
        "shes been fitting for a few minutes now",
        "my dads fitting in the garden",
        "she's fitting in the bath",
        "toddler fitting in his cot",
        # Lay words for a collapse and for anaphylaxis (an independent pass, round 13).
        "husband has gone grey and floppy and isnt talking",
        "hives all over and my tongue is getting thick and breathing is hard",
        # "hitting" is no slip of "fitting": the fall is the sign here.
        "we saw an older gentleman collapse at his table",
        # A sign told without a subject, then a question: the sign is told now.
        "face drooping could it be stroke",
        "chest pain could it be a heart attack",
        "he's seizing could it be low magnesium",
        "cant breathe could it be magnesium",
        # A worry about a sign someone has is no fear of a sign to come.
        "worried about my chest pain",
        "im scared of this chest pain",
        # "Since" a day: it goes on; a sign that "started" on a day goes on too.
        "ive had chest pain since monday",
        "face drooping since sunday",
        "my face started drooping on monday",
        # Seizures or strokes asked about now, with no "could" or "possible".
        "is she having seizures or just shaking",
        "is my mom having strokes",
        # Invisible separators between the words.
        "my\u200bdad\u200bis\u200bhaving\u200ba\u200bseizure",
        # A question asked beside a sign happening now, or one event now.
        "my face is drooping is it a stroke",
        "my dad cant speak properly is it a stroke",
        "is she having a seizure?",
        "my son is having seizures",
        "i'm scared i'm having a stroke",
        # A day to come, or a day with the sign still there, is no day gone by.
        "my arm went numb, the GP can see me on monday",
        "since monday my face is drooping",
        "my dad slurred his words on sunday and still is",
        # Thinking it was something else does not make a sign now over.
        "I thought it was a twitch but now my face is drooping",
        "I thought my dad was having a stroke, his face is drooping",
        "is this the worst headache i've ever had?",
        # NHS lay words: a headache unlike any before, a hand that will not work.
        "i've never had a headache like this before",
        "this headache is unlike anything i've ever had",
        "my right hand won't open and close",
        "i've lost feeling in my left leg",
        "he has fits every few minutes, he won't wake up",
        "he has seizures and now he's not breathing",
        "it's like a shade came down over my eye",
        # MedlinePlus's lay words: sudden trouble understanding, walking or
        # keeping balance; chest discomfort; a baby's grunting breaths.
        "i suddenly have trouble understanding what people say",
        "i suddenly can't walk straight and i'm losing my balance",
        "i have discomfort in the center of my chest that won't go away",
        "pain in my jaw and left arm and i'm sweating",
        "my baby is making grunting noises and breathing fast",
        "head is killing me worst ever",
        "my baby is limp and won't feed",
        "my arm went limp while walking",
        "he's been drinking and now his face is drooping and his speech is slurred",
        "i think he had a stroke of some kind, his face is drooping",
        "my tongue is swollen and burning after eating shrimp",
        # Too much magnesium with its signs (NIH ODS: irregular heartbeat, muscle
        # weakness).
        "i took too many magnesium pills and my heart feels weird and i'm dizzy",
        "i have kidney disease and took magnesium, now i feel very weak and my heart is slow",
        "lol my dad just collapsed",
        "should i call an ambulance? he's not responding",
        "should i call 999, my dad's face is drooping?",
        "I've called 999",
        "my face drooped all at once",
        "once he collapsed i called 999, he's still not breathing",
        # ...unless a sign of its own comes with them.
        "my vision suddenly went blurry in one eye after the eye drops",
        "the left side of my face is numb from the cold",
        "i'm coughing and my chest is crushing, can't breathe",
        "my arm is numb and my speech is slurred after the jab",
        "the magnesium is giving me chest pain",
        "my left side is paralysed, i'm so scared",
        "i have chest discomfort, is it indigestion? my left arm hurts and i'm sweating",
        "i've never experienced this, my face is drooping, is it a stroke?",
        # Slips in short words.
        "chest pian",
        "my son had a siezure",
        "i think i had a strok",
        # Round 9: choking, legs that will not move, a cold sweat with blue lips.
        "my baby is choking",
        "a man at the next table started choking and couldn't make a sound",
        "he's choking on a piece of meat and can't breathe",
        "I can't move my legs",
        "he has cold sweats and his lips are blue",
        "my vision is suddenly distorted",
        "I can barely breathe",
        # NHS: blue or grey lips; a crooked mouth.
        "he is breathing really fast and his lips are grey",
        "my mouth is crooked and I'm dribbling",
        "my smile has always been crooked but now my whole face is drooping",
        # A side effect told beside a sign now.
        "the new pills made me feel faint and my heart is racing right now",
        "the shock made him collapse and he isn't breathing",
        # NIH ODS: too much magnesium can slow the heart and weaken muscles.
        "I took too many magnesium pills and my heart is beating slowly and I feel weak",
        # A sign in the present in its own clause, beside a past told in another.
        "the doctor said it could be a stroke, her face is drooping",
        "I had a stroke in 2019, my face is drooping",
        # Round 9's tuning half: "no longer" before an ability is its loss.
        "I could no longer speak properly",
        "I woke up this morning and I couldn't use my right arm",
        # A date says when "just had" was; "5 minutes ago" says it is now.
        "my dad just had a stroke, it happened 5 minutes ago",
        "my face is drooping, is it a sign of stroke?",
        "slurred speech is a symptom of a stroke and my mum is slurring",
        "my wife told me my face is drooping",
        "she collapsed for the first time and isn't waking up",
        # "Been having" is no "having" now, but what it tells may still be now.
        "she's been having a seizure for five minutes",
        "I've been having chest pain all day and my left arm is numb",
        # What a stroke left behind, told beside a sign now.
        "the stroke left him unable to speak and now his face is drooping",
        "my dad is in rehab after his stroke and now his face is drooping again",
        # A numb face alarms when sudden, on one side or with another sign.
        "my face went numb suddenly",
        "the left side of my face is numb",
        "I keep mixing up my words and my face feels numb",
        # A habit told in another part of the sentence does not calm the sign.
        "when I stand up I get chest pain and my left arm goes numb",
        "my mouth is droopin and water dribbles out when i drink",
        # What a thing can cause, beside a sign happening now.
        "magnesium can make you dizzy but my dad just collapsed",
        "the pills can cause swelling and now my throat is closing",
        # Trouble swallowing, sudden or with another sign (NHS stroke symptoms).
        "my dad suddenly can't swallow and his speech is slurred",
        "my mum is having trouble swallowing and her face looks droopy",
        "I'm suddenly struggling to swallow",
        "i'm unable to swallow",
        "my tongue is swollen and it's hard to swallow",
        # Not knowing where one is; a leg that drags; an eye that will not shut.
        "she doesnt know where she is",
        "my dad suddenly doesnt know where he is",
        "i suddenly cant think straight",
        "my leg is dragging",
        "my eye wont shut on one side",
        # A whole side, told beside the twitch.
        "my whole side feels numb",
        "my lip twitching is getting worse and now my whole side feels numb",
        # Round 14's independent pass (its misses, then fixed).
        "splitting headache came on in seconds, neck is stiff and the light is hurting my eyes",
        "sudden severe head pain at the gym mid lift feels like my skull is going to burst",
        "blinding headache just struck me like lightning and i cant bend my neck",
        "felt something pop in my head and now the pain is beyond anything ive had",
        "pulse is crazy fast and irregular and the room is spinning",
        "toddler is wheezing badly and her lips are going a bluish colour",
        "mum is breathing really fast and shallow and her lips look dusky",
        "tongue has gone massive and i can barely swallow",
        "lips blown up like balloons and im wheezing",
        "husband fell over and is just lying there not answering me",
        # A story on a screen is no story when someone real is in the sign's part.
        "watching a documentary and my dad collapsed",
        "reading my novel when i suddenly couldnt see out of one eye",
        "i was watching the news and suddenly couldnt breathe",
        "there was a documentary on anaphylaxis last night and now my throat is closing",
        # Laughter, "not" a few words before, a severe allergy: with a sign now.
        "lol my chest is crushing and i nearly passed out",
        "lmao my brother almost choked on a sweet earlier, now hes wheezing and turning grey",
        "he just dropped to the floor and im not sure hes breathing",
        "my friend fell over in the kitchen and now shes not answering and breathing weird",
        "daughter has a severe nut allergy and her throat is closing",
        # A review of round 14's first calm rules: each hid one of these.
        "my dad is having a heart attack at the gym",
        "i think im having a heart attack on the treadmill",
        "gets breathless on stairs and has crushing chest pain",
        "mum gets breathless on the stairs and now she's collapsed",
        "mum collapsed while watching a documentary",
        "watching eastenders and suddenly cant breathe",
        "my dad had a heart attack. hes on the floor",
        "my dad had a heart attack and hes on the floor",
        "dad had a cardiac arrest, doing cpr",
        "mum had a stroke!!!",
        "my wife had a stroke, please hurry",
        "lol almost collapsed, lips swelling fast",
        "lol he almost passed out and he's blue",
        "had a lot of wine and now his lips are blue and hes floppy",
        "he has a severe nut allergy and ate a satay, lips swelling",
        "found my flatmate lying there not answering, theres pills next to her",
        # Round 14's last independent pass (its misses, then fixed).
        "my mate just dropped at the gym, i dont think hes breathing",
        "my mums lips are bluish and shes fighting for every breath",
        "breathing is really shallow and fast and my lips look greyish in the mirror",
        "got stung by a bee and now my lips are huge and breathing is getting hard",
        "lips swollen and tingling and my throat feels like its shutting",
        "tongue feels massive and i can barely swallow my own spit",
        "toddler has a high temperature and just went stiff and shook, now hes all floppy",
        "friend overdosed on heroin, breathing is really slow",
        "woke up with the most horrendous headache of my life, went from 0 to 100 instantly",
        # Round 15's independent pass (its misses, then fixed).
        "lol probs being dramatic but i just got a headache so bad i literally dropped to my knees",
        "my inhaler isnt doing anything, had like 10 puffs and i can barely talk",
        "my tongue is getting really big and i can barely talk, started a new tablet this morning",
        "my aunt is diabetic and shes gone really confused and sweaty and is barely responding",
        "i take magnesium for my lip but rn i have the most horrific sudden headache ive ever had",
        "just lost the vision in one eye completely out of nowhere, everything else feels normal??",
        "my mum is epileptic but this fit has gone on way longer than normal, 7 mins now",
        # A user pass (round 15): "a bit" is no verb in the past ("bit").
        "her mouth is still a bit droopy but she can talk ok now",
        # New confusion (NHS: call 999 if someone suddenly becomes confused).
        "my mum is more confused than usual today",
        "she also seems a bit more muddled than usual today",
        # Round 15's over-reach pass (its misses, then fixed).
        "my toddler is barely responding, whats the number to phone",
        "my teenager isnt responding after a party, the app says call someone",
        "my dad was on the phone and suddenly stopped responding, the line is silent",
        "my aunt has gone very confused this afternoon, keeps asking which year it is",
        "my sons inhaler is doing nothing and hes struggling to talk",
        "got a headache that dropped me to my knees 20 mins ago",
        "help i feel like im dying from an allergic reaction",
        "my son just gone limp in my arms",
        "my mum just lost her speech mid sentence",
        # Round 15's last independent pass (its misses, then fixed).
        "dad just got really confused out of nowhere, he was totally fine an hour ago",
        "sudden massive pain in the back of my head, came on in seconds",
        "rn ive got a headache that came on all at once like being hit with a bat",
        "tbh probs nothing but ive had a pressure in my chest for 20 mins and feel a bit clammy",
        "pulse 180 and im dizzy af, sitting on the bathroom floor",
        "asthma attack and my inhaler isnt doing anything, had like 10 puffs",
        "gran's breathing is really laboured and her fingertips are going a bluish colour",
        "having an asthma attack rn and the reliever isnt working, cant finish a sentence",
        # A review of round 15's rules: emergencies its first calm rules hid.
        "he's not responding to anything",
        "grandad is not responding to his name",
        "baby has a cough not responding",
        "found dad on the floor next to his phone not responding",
        "my toddler has a cough, now barely responding",
        "my dad is having crushing chest pain after a night out",
        "she is having a seizure after a night out",
        "my son had a seizure last year, fitting at the moment, is he ok",
        "had a heart attack last year, chest pain atm, dont feel so good",
        "my dad is close to death after a heart attack, hes grey and sweating",
        "hubby is much more confused than usual about everything",
        "grandpas more confused than normal, doesnt know what year it is, and so drowsy",
        "im choking on a piece of plant",
        "Grandad had a stroke in 2012. His left arm numb and face droopy.",
        "pulse 145 and dizzy, feel awful",
        # A second review of round 15's fixes: what they still hid.
        "found her on the floor by her phone not responding",
        "hes on the floor next to the dog not responding",
        "my bestie is hardly responding after taking pills",
        "barely responding after the fall",
        "im confused and so drowsy after hitting my head",
        "woke up confused this morning and cant remember my name",
        "my other half is confused and drowsy",
        "she gets chest pain every morning but now its crushing and going down her arm",
        "she has seizures a few times a week but this one wont stop",
        "his seizure is lasting longer than they normally do",
        "the fit has gone on way past normal",
    ],
)
def test_red_flags_in_lay_words_get_the_emergency_advice_first(
    brain: Brain, content: Content, message: str
) -> None:
    reply = ask(brain, message)
    assert reply.kind == "emergency", message
    first_line = reply.text.splitlines()[0]
    assert all(n in first_line for n in NUMBERS)  # the numbers, before anything to read
    assert content.emergency.message in reply.text


def test_the_emergency_advice_is_short(content: Content) -> None:
    message = content.emergency.message
    assert len(message.splitlines()) <= 4
    assert len(message) <= 300


def test_a_red_flag_at_the_end_of_a_long_story_is_seen(brain: Brain) -> None:
    story = (
        "I've been so stressed at work lately, deadlines every day and barely any sleep. "
        "My upper lip has been twitching on and off for two weeks and I drink a lot of coffee. "
    ) * 30
    story = story[: TELEGRAM_MAX_CHARS - 50]  # as long as a Telegram message can be
    assert len(story) > 5 * MAX_READ_CHARS
    assert ask(brain, story).kind != "emergency"
    assert ask(brain, story + " and an hour ago my face started drooping").kind == "emergency"


@pytest.mark.parametrize("filler_words", [93, 95, 97, 100, 180])
def test_a_run_on_sentence_is_read_whole_however_long(brain: Brain, filler_words: int) -> None:
    # A sentence longer than LONGEST_SENTENCE words is read in overlapping pieces:
    # a sign across a piece's edge is still one sign.
    filler = " ".join(["my lip has been twitching all week and I drink coffee"] * 20).split()
    message = " ".join(filler[:filler_words]) + " and now her face is drooping on one side"
    assert len(message.split()) > LONGEST_SENTENCE
    assert ask(brain, message).kind == "emergency"
    calm = " ".join(filler[:filler_words]) + " and her face drooped in 2019"
    assert ask(brain, calm).kind != "emergency"


@pytest.mark.parametrize(
    "message",
    [
        # The FAST tests told as a story: the sign's words fall in two sentences.
        "I asked him to raise both arms. One drifted down.",
        "He lifted his arms up. One went lower than the other.",
        "Mum tried to smile. It was crooked on one side.",
    ],
)
def test_a_sign_told_across_two_sentences_is_seen(brain: Brain, message: str) -> None:
    assert ask(brain, message).kind == "emergency"


def test_a_sentence_that_points_back_keeps_the_time_of_the_one_before(brain: Brain) -> None:
    assert ask(brain, "I had Bell's palsy years ago. It left my smile a bit crooked.").kind != (
        "emergency"
    )
    assert ask(brain, "Mum had a stroke years ago. She is having another one now.").kind == (
        "emergency"
    )


@pytest.mark.parametrize(
    "message",
    [
        "yesterday my face drooped for 10 mins",
        "yesterday my arm went weak for 10 mins",
        "my arm was weak yesterday",
        "my face drooped for a few minutes yesterday, could that be low magnesium?",
        # Over, or maybe not: advice today either way (Bell's palsy too).
        "my face started drooping last week",
        # A day of the week, or "the other day", told all in the past.
        "my face drooped on tuesday for a few minutes",
        "on sunday my arm went weak for 5 mins",
        "my speech was slurred the other day",
    ],
)
def test_stroke_signs_that_passed_in_the_last_days_get_advice_for_today(
    brain: Brain, content: Content, message: str
) -> None:
    # A mini stroke (TIA) needs advice today, not "if this is happening now".
    passed = content.emergency.passed_signs
    assert passed is not None
    reply = ask(brain, message)
    assert reply.sections[0].text == passed.line
    assert all(n in passed.line for n in NUMBERS)
    assert len(reply.sections) > 1  # and then the answer


def test_a_stroke_long_ago_gets_the_usual_line(brain: Brain, content: Content) -> None:
    reply = ask(brain, "I had a mini stroke years ago, is magnesium safe for me?")
    assert reply.sections[0].text == content.emergency.if_now


@pytest.mark.parametrize(
    "message",
    [
        "i fainted at work today, i have low magnesium",
        "i fainted yesterday",
        "I passed out at the blood bank. Can magnesium help?",
        "lip twitching all morning then i blacked out for a few seconds",
        "I nearly fainted in the shower",
        "I've lost consciousness twice while giving blood",
    ],
)
def test_the_writers_own_fainting_told_after_it_gets_the_nhs_line(
    brain: Brain, content: Content, message: str
) -> None:
    # They are awake to write: NHS, see a GP; 999 with a warning feature.
    reply = ask(brain, message)
    assert reply.kind != "emergency", message
    assert reply.sections[0].text == content.emergency.after_fainting
    assert all(n in content.emergency.after_fainting for n in NUMBERS)
    assert len(reply.sections) > 1  # and then the answer


def test_fainting_at_a_parkrun_is_not_told_to_wait_for_the_gp(
    brain: Brain, content: Content
) -> None:
    # Fainting while exercising is a warning feature (NHS; the doctor check's Q3):
    # not "see a GP soon" (a user pass, round 14).
    reply = ask(brain, "oh also i fainted at parkrun on saturday lol prob just didnt eat enough")
    assert content.emergency.after_fainting not in reply.text
    assert reply.urgent


@pytest.mark.parametrize(
    "message",
    [
        # A warning feature (NHS): chest pain, a racing heart, a fit, an injury.
        "I fainted and hit my head",
        "i passed out and my heart is racing",
        "I passed out and had a fit",
        "I nearly fainted, my heart was pounding",
        "i blacked out and now my chest hurts",
        # Someone else, a collapse, or fainting now.
        "my wife fainted and won't wake up",
        "my son passed out",
        "i collapsed at work today",
        "I found a collapsed man on the street",
        "I keep passing out",
    ],
)
def test_fainting_with_a_warning_or_not_the_writers_own_keeps_the_alarm(
    brain: Brain, message: str
) -> None:
    assert ask(brain, message).kind == "emergency", message


@pytest.mark.parametrize(
    "message",
    [
        # Something in the present, a question or a call for help: not all over.
        "I had a heart attack 5 years ago. I collapsed in the kitchen and my chest hurts",
        "I had anaphylaxis as a kid. My tongue swelled up and I can barely swallow",
        "My husband had a heart attack 3 years ago. He collapsed and he's not responding",
        "My mum had a mini stroke in 2020. Her face dropped and she couldn't lift her arm, what do I do",
        "Back in 2019 I had a TIA. My speech slurred and I couldn't find words, should I worry",
        # Recent times do not date an account as over.
        "I started magnesium a week ago. I fainted and my heart was racing",
        "I had covid last month. I couldn't breathe and my lips turned blue",
        "She collapsed on Monday and hasn't woken up",
        "My face started drooping on Monday and it's getting worse",
    ],
)
def test_a_history_told_beside_a_sign_now_keeps_the_alarm(brain: Brain, message: str) -> None:
    assert ask(brain, message).kind == "emergency", message


@pytest.mark.parametrize(
    "message",
    [
        # A story on a screen or a page, and breathlessness that comes with effort.
        "watching greys anatomy and someone had a seizure, made me wonder about magnesium",
        "writing a screenplay where someone has a heart attack, what does it actually look like",
        "my husband has copd and gets breathless on walks, would magnesium help his lungs",
        "epileptic here, does magnesium raise the seizure threshold",
        "daughter has a severe nut allergy, what non nut foods have magnesium",
        "my son has a severe allergy to peanuts, how many epipens should his school keep",
        "lol nearly passed out laughing at that video, anyway how much water should i drink",
        # A stroke or heart attack someone had, told as a summary.
        "May 6th. My husband had a stroke. I lost him that day.",
        "I am 71 and had a stroke at the airport upon arriving home from a long trip.",
        "my dad had a stroke",
        "my mum had a stroke, can she take magnesium?",
        "i nearly had a heart attack when i saw the price of magnesium",
    ],
)
def test_stories_effort_summaries_and_medical_terms_get_the_line_not_the_alarm(
    brain: Brain, content: Content, message: str
) -> None:
    reply = ask(brain, message)
    assert reply.kind != "emergency", message
    assert reply.sections[0].text == content.emergency.if_now


@pytest.mark.parametrize(
    "message",
    [
        # Suspected, with a call for help, with a sign now or a time of today.
        "i think my dad had a stroke",
        "pretty sure my nan had a stroke",
        "my dad had a stroke what do i do",
        "grandad had a stroke, hes on the floor",
        "my husband had a stroke hes slurring",
        "dad had a massive heart attack at work, ambulance on way",
        "My dad had a stroke. What do I do?",
        "My dad had a stroke. He cant talk.",
        "my husband just had a stroke",
        "my wife had a stroke 20 mins ago",
        "my husband had a stroke this morning",
        "i think my mum had a stroke her face is drooping",
        # Not for seizures: an account as it happened.
        "my lil bro had a fit, like full body convulsing, after his lip was twitching all day",
    ],
)
def test_a_stroke_someone_had_with_anything_of_now_keeps_the_alarm(
    brain: Brain, message: str
) -> None:
    assert ask(brain, message).kind == "emergency", message


def test_happening_now_wins_over_a_past_event_in_the_same_message(brain: Brain) -> None:
    assert ask(brain, "I had a stroke years ago and right now my face is drooping again").kind == (
        "emergency"
    )
    # The question is about a condition, the next sentence says it is happening.
    assert ask(brain, "does low magnesium cause fits? my son just had one").kind == "emergency"


@pytest.mark.parametrize(
    "message",
    [
        "my face is droping on one side",
        "he had a siezure",
        "rite arm went week and my lip wont stop",
        "he was shaking on the floor and wouldn't respond",
    ],
)
def test_slips_of_longer_words_count(brain: Brain, message: str) -> None:
    assert ask(brain, message).kind == "emergency"


@pytest.mark.parametrize(
    "message",
    [
        # A word shorter than a stem is another word, not a slip of it.
        "my teenager can't drop off to sleep at night",
        "my lip twitches when i drop my phone",
        "My eyelid has been twitching for a week. Should I use eye drops?",
        # Real words one letter from a stem: "dropped" is not "drooped", a dental
        # "filling" is not a face "falling", "sitting" is not "fitting".
        "I dropped my phone and my lip started twitching",
        "my face is fine but I need a filling",
        "she was sitting on my lap and my lip twitched",
    ],
)
def test_other_words_are_not_slips_of_signs(content: Content, message: str) -> None:
    # The patterns' reading of a word (the learned opinion reads no single word).
    patterns_only = EmergencyDetector(content.emergency)
    assert patterns_only.assess(message) is None


def test_every_word_that_can_match_a_sign_is_tried(content: Content) -> None:
    # A new word is tried only against the pattern words one letter from it (found
    # by rapidfuzz): on every word of every labelled set and a few slips, the hits
    # are those of trying every pattern word.
    detector = EmergencyDetector(content.emergency)
    tokens = {"pian", "siezure", "strok", "convlusion", "droping", "numbbb", "nt", "dont"}
    for path in DATA.glob("*.yaml"):
        tokens |= {w for i in labelled_items(path) for w in normalize_all(i["text"]).split()}
    every = {t: {w for w in detector._words if w.matches(t)} for t in sorted(tokens)}
    assert {t: set(detector._hits(t)) for t in sorted(tokens)} == every
    assert sum(map(len, every.values())) > 500


# -- stop crying wolf ------------------------------------------------------------


def test_a_heart_that_hurts_for_someone_is_no_full_alarm(brain: Brain) -> None:
    assert ask(brain, "my heart hurts for my friend who lost her mum").kind != "emergency"


@pytest.mark.parametrize(
    "message",
    [
        "no arm weakness, only the twitch",
        "I have zero chest pain, only lip twitching",
        "my arm went numb from leaning on it",
        # A negation after a comma, inside the sign's words.
        "left side of my face is fine, not drooping",
        "my smile is fine, not crooked",
        "I don't have chest pain, just the lip twitch",
        "my foot goes numb when I sit on it",
        "I get lightheaded when I stand up quickly",
        "my eyelid droops at the end of a long day",
        "my arm is numb from sleeping on it",
        "my arm went limp after sleeping on it",
        "I go for walks even with my limp",
        "I struggle to breathe through my nose when I have a cold",
        "I've struggled with stress, does deep breathing help twitching?",
        "my scalp tingles on the left side",
        "I felt a bit faint after giving blood",
        "my face feels numb after the dentist",
        "I can't see well without my glasses",
        "I can't see well, I wasn't wearing my glasses",
        "I don't have any slurred speech or droopy face",
        "i can't talk to my doctor until next week",
        "I feel faint when I'm hungry",
        "I'm short of breath after climbing stairs",
        # The trigger may be in the sentence before.
        "I just came back from the dentist. My lip feels numb and droopy.",
        # "like" alone is no comparison.
        "I feel like my face is still numb on one side from the dentist",
        "I pulled a muscle in my chest at the gym and it hurts",
        "my upper lip is swollen after I bit it",
        "my throat is swollen and sore from a cold",
        "my doctor didn't respond to my email",
        "I raised my arms higher at the gym",
        "it was a sudden headache after ice cream",
        "my arm goes numb when i sleep on it",
        "i have never had a headache, only lip twitches",
        "my husband was grunting while lifting weights",
        "my baby has a slight limp when walking",
        # Sayings with a sign's word, a burn, a few beers.
        "i'm having a stroke of luck",
        "my swimming stroke is getting better",
        "i'm seizing the day",
        "my tongue is swollen from the hot tea burn",
        "my speech was slurred after too many beers",
        # Figures of speech and a night of drinking.
        "i'm paralysed with fear about this twitch",
        "i blacked out after too much wine last night",
        # More everyday triggers: eye drops, cold wind, carrying, coughing, a jab.
        "my vision went blurry after the eye drops",
        "my face is numb from the cold wind",
        "i was short of breath after carrying the shopping upstairs",
        "my chest hurts from coughing so much",
        "my arm feels dead after the vaccine",
        # Eyelids that shake are no "shade" over an eye.
        "twitching and shaking, my eyelids shake like heck too",
        # Better, or gone.
        "my face no longer droops",
        "when I wake up, my face feels less droopy",
        # Choking on a drink or a pill, told by the one who choked.
        "I choked on my coffee this morning",
        "I choked on a magnesium pill, is that normal?",
        "my lips go blue when I'm cold",
        "his lips looked grey after swimming in the cold sea",
        "I could barely breathe after the run",
        "I could hardly breathe from laughing",
        # Swallowing a tablet: "swallowed" is one word of a pattern, not both
        # "swell*" (by a slip) and "swallow*" of "swell* swallow*".
        "I swallowed a magnesium tablet whole",
        "how do I swallow big magnesium pills",
        "magnesium tablets are so hard to swallow, is there a powder?",
        "i have trouble swallowing pills, can i get magnesium as a liquid",
        "it hurts to swallow and my lip twitches",
        # A lip that won't stop moving is a twitch; figures of speech; the sofa.
        "my lip wont stop moving",
        "lip keeps moving and wont stop",
        "my face won't stop moving",
        "i cant see why i would need magnesium",
        "i keep choking up when i think about als",
        "i had a fit of laughter and my lip twitched",
        "i feel faint-hearted about needles",
        "i collapsed on the sofa after work, so tired",
        "i fell asleep on my arm and its numb",
        # Not knowing where to buy something is no confusion.
        "i dont know where to buy magnesium",
        "i forgot where i put my magnesium tablets",
        "my face fell when i saw the bill",
        "my head is exploding with all this info",
        # Everyday causes a user pass found alarming (round 11).
        "my lips went blue from an ice lolly",
        "my baby is fitting into her new clothes",
        "nobody is choking i just wondered about magnesium",
        # Over-reach a check found in the round's first, broad patterns.
        "my hair has gone limp lately, is that low magnesium?",
        "my lip twitch is a huge annoyance, any tips?",
        "do i need an epipen for a mild allergy to magnesium?",
        "my job is suffocating me and my lip twitches",
        "he crumpled the paper and threw it away",
        "i get lightheaded when i hop up from the sofa",
        # Idioms beside the round's new patterns (a user pass, round 12).
        "he went limp with laughter when i told him",
        "hes not moving house until june so he cant get to the pharmacy",
        "he's not moving on from the idea that magnesium cured him",
        "my husband is not moving much since his hip op, could magnesium help",
        "my dad is not moving as fast these days",
        "baby fitting for the car seat at the shop tomorrow",
        # Round 12: someone lying still by choice; clothes that fit.
        "lying on the floor not moving after leg day, is magnesium good for recovery?",
        "my cat just lies on the floor not moving all day, anyway magnesium for cramps?",
        "my baby fitting into newborn clothes already",
        # Round 13: fitting or folding a thing, a fit of temper or laughter.
        "my hubby is fitting new tyres",
        "my hubby is fitting new tyres, can magnesium help his cramps",
        "wifey is fitting the baby's car seat",
        "gf is fitting new curtains",
        "lad collapsed the tent after camping",
        "nan collapsed the pram for the bus",
        "teammate collapsed with laughter",
        "my bf is having a fit about the wifi",
        "lad at work had a fit of coughing",
        "he threw a fit when i forgot the milk",
        "i keep hitting the floor with my foot when my lip twitches",
        "I've been fitting laminate all day and my thumb won't stop twitching",
        "Mate fitting carpet all day and his hands cramp at night",
        "baby fitting in the moses basket still at 5 months",
        "the baby fitting in my lap while i type lol",
        "my tongue feels thick and my breathing is fine",
        # Round 14: everyday words beside the round's new patterns (a review).
        "irregular periods and dizzy spells, could it be low magnesium",
        "my teenager is lying there not answering my texts again",
        "my tongue has gone massive after the filling, numb as anything",
        "pulse fast and room spinning after 6 pints",
        "my ankle is swollen and my asthma is making me wheeze a bit",
        # Round 14: laughter, a medical term, and a tongue numb from the dentist.
        "almost choked laughing at a meme about magnesium",
        "that comedy had me in fits, anyway does dark chocolate have magnesium",
        "my tongue feels huge after the dentist",
        # Round 15: a phone or an app not responding; a tongue big in a photo.
        "my phone is barely responding",
        "the app is barely responding again",
        "my phone isnt responding to touch, is magnesium ok",
        "my tongue is really big in photos lol",
        # Round 15's over-reach pass: everyday words its first rules caught.
        "my eczema is barely responding to the steroid cream, could magnesium help",
        "the counter on my inhaler is not working, how do i know when its empty",
        "the headache dropped off after the magnesium but my knees are still sore from the gym",
        "my lettuce has gone limp in the fridge does it still have magnesium",
        # A review of round 15's rules: calm words its first patterns caught.
        "my mouth dropped open when i saw the side effects",
        "i lost my speech notes for the wedding and my lip is twitching from stress",
        "the article is confusing, does magnesium make you drowsy",
        "she stopped responding to me on whatsapp, now my lip twitches",
        # Round 15's last independent pass, and words beside its fixes.
        "my lips were blue from eating blueberries haha kids thought it was hilarious",
        "i cant finish a sentence without my lip twitching lol",
        "ive had a twitch in my lip for 20 mins",
    ],
)
def test_negations_and_everyday_triggers_are_no_alarm(
    brain: Brain, content: Content, message: str
) -> None:
    reply = ask(brain, message)
    assert reply.kind != "emergency"
    assert content.emergency.if_now not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "my aunt had a seizure in 2019",
        "I had a mini stroke years ago, is magnesium safe for me?",
        "does magnesium lower the risk of stroke?",
        "can low magnesium cause fits?",
        "could twitching mean I'm about to have a stroke?",
        # A doubt about the condition named: the line, not the alarm.
        "i dont think im having a stroke just the twitch",
        "i dont think he is having a heart attack",
        # A sign that comes with something the person does or has: a pattern.
        "i feel faint when i skip breakfast",
        "im breathless when i have a cold",
        # The same asked as people type on a phone, with no question mark.
        "my lip keeps twitching could it be a stroke",
        "my lip is twitching is this a seizure",
        # A condition over time, not one event now.
        "Is it possible that my child is having seizures?",
        "could my son be having absence seizures",
        # A sign someone fears.
        "i'm terrified of having a seizure",
        "i have a fear of choking",
        "choking is my biggest fear",
        "What are the first signs of anaphylactic shock?",
        "I had a seizure as a teenager",
        # "Now and then" is no time: the past event still reads as the context.
        "I had a stroke years ago and every now and then my speech is slurred",
        "my dad had a heart attack a few years back, is magnesium ok for him?",
        "I had a seizure last year and I am worried it will happen again",
        # What an old event left, and how it goes now.
        "I had Bell's palsy years ago and my smile is still crooked",
        "my dad had a stroke years ago and his speech is still slurred",
        "she had a stroke last year and is recovering well",
        "my mum is a stroke survivor",
        "I'm on medication after my stroke",
        "I have epilepsy, is magnesium safe?",
        "is magnesium good for people who have had a stroke",
        "I'm worried about having a seizure",
        # Told as over (round 7).
        "I recently had a heart attack, can I take magnesium?",
        "my double vision has since gone away",
        "my son had febrile seizures when he was younger",
        "Lamotrigine is an anti-convulsant, is it ok with magnesium?",
        "my seizures are well controlled, can I take magnesium?",
        "Grandma had collapsed while shopping and was taken away by ambulance",
        "On the 8th of April I developed slurred speech at work",
        "he was rushed to hospital with chest pain, can magnesium help him?",
        # A sign that has lasted weeks or more is no sudden event.
        "my wife has been slurring her words for 6 months",
        "my face has been drooping for weeks",
        "his speech has been slurred for a few months, is it magnesium?",
        # Questions about what causes a sign in anyone ("you").
        "Can anxiety make your face feel numb?",
        "can dehydration make you pass out",
        "can caffeine give you heart palpitations and dizziness",
        "can too much magnesium make it hard to breathe",
        # Searches for the link: the topic and a condition, no verb, no person.
        "magnesium and seizures",
        "low magnesium stroke",
        # Before one, after one.
        "lip twitching before a stroke",
        "my dad takes magnesium after his stroke, is that ok",
        # Statements about a condition.
        "Most seizures are not emergencies",
        "Strokes can happen to anyone",
        # A swollen lip with nothing saying it is sudden or happening now, and
        # questions about one (NHS: 999 when the lips SUDDENLY swell).
        "my lip is swollen",
        "can magnesium cause swollen lips?",
        "why did my lip swell up yesterday?",
        # Questions about the topic with no one in them.
        "is it hard to breathe with low magnesium?",
        "why is it hard to breathe when magnesium is low?",
        # A sign that comes with a passing state is a pattern, not an event.
        "When he's tired, the left side of his face droops",
        "my speech slurs when I'm really tired",
        "i get chest pain when i'm anxious",
        "I'm used to having difficulty catching my breath when it's hot",
        # Not thinking straight from stress may be no sudden confusion.
        "so stressed i cant think straight",
        # Last week, like "a week ago", is over.
        "my dad had a seizure last week, can low magnesium cause that?",
        # Yesterday, told all in the past, is over.
        "I had a grand mal seizure yesterday. It happened at work.",
        "my dad fainted yesterday",
        # ...and so is a day of the week, or "the other day".
        "I had a heart attack Saturday, can I take magnesium?",
        "had a seizure on friday, could it be low magnesium",
        "i had chest pains the other day",
        # A fear looked back on ("turned out to be a panic attack").
        "I thought I was having a stroke but it was just anxiety",
        "thought i was having a heart attack, turned out to be a panic attack",
        "The chest pains came over me last Halloween",
        "Last summer my dad had a mini stroke and a seizure",
        "my dad had a stroke in march",
        "my dad had a stroke on christmas day",
        "i had anaphylaxis once from shellfish",
        # Asking about experiences, or telling one in the past progressive.
        "Have you ever woken up to realise that you can't feel your arm?",
        "Have you or anyone close to you experienced fainting in the bathroom?",
        "the nurse who rushed to help said he was having convulsions",
        # Seizures someone has or gets: a condition they live with.
        "My husband has seizures.",
        # Trouble walking or keeping balance, told without "sudden".
        "i lost my balance on the ice and fell",
        "this twitching is giving me a heart attack lol",
        # Asking whether to call names no sign.
        "when should i call 999 for twitching?",
        "do i need an ambulance for a lip twitch?",
        "my friend said lip twitching is a stroke warning",
        "I still experience seizures despite some seizure free months",
        # Round 9: a story dated long ago in another sentence, habits, what a
        # thing can do, statements about a sign, what a stroke left behind.
        "When I was in my 20s I worked nights. Bam. My arm went numb and my face dropped.",
        "I had a seizure as a child. My arm went numb and my face dropped.",
        "My dad had a stroke two years ago. His face drooped suddenly and he slurred his words.",
        "It happened once when I was pregnant. I coughed, my throat closed and I couldn't breathe.",
        "The day before my heart attack I had a tightness across my chest and felt lightheaded.",
        # Told with how often it comes: a pattern, not one event.
        "my seizures are controlled, having a few a month",
        # A numb face with the twitching, not sudden nor on one side: a doctor
        # (the doctor check's guidance), with the line.
        "I take magnesium and my lip still twitches, my face feels a bit numb",
        "my face is numb, can anxiety make your face numb?",
        # A sign that comes with something the person does: a pattern.
        "my chest feels tight when I take magnesium",
        "my heart beats slowly when I sleep and I feel dizzy when I get up",
        # A sign someone has had all their life.
        "my mouth has always been a bit crooked",
        "I have a crooked mouth since birth",
        # What something made someone feel: a side effect told after it.
        "magnesium made me feel faint, is that normal",
        "my lips swell whenever I eat nuts",
        "I saw my GP last week and mentioned the chest pains I've been having",
        "my dad just had a stroke on 3 March, what can he eat",
        "Numbness on one side of the body is a classic sign of a stroke.",
        "Last November my dad had a grand mal seizure (now called a tonic-clonic).",
        "The first time I felt it, it was like a weight pressing down on my chest.",
        "The doctor explained he had febrile fits.",
        # What a stroke left behind: a lasting deficit, not an event now.
        "she had a stroke which has left her paralyzed on her left side",
        "the stroke left him unable to speak",
        "my father is in a rehab facility after something like a stroke",
        # What a thing can do, or a statement about a sign: not an event.
        "a single crumb can send me into anaphylaxis",
        "Chest pain can be scary, but it is often harmless.",
        "Luckily it wasn't a stroke, which could have left him unable to speak.",
        # "Fine now" tells the recovery.
        "On Saturday she had a seizure, but she's doing just fine now",
        "he had a seizure yesterday and he's fine now",
        # What a sign is like, remembered or known (round 12).
        "i remember what it is like to be unable to breathe",
        "i know what chest pain feels like",
        "Low magnesium generally shows as tremor, and in severe cases seizures.",
        # "Earlier this year" is no time of today.
        "Mum was taken to hospital earlier this year because she suddenly lost her bearings.",
        "There have been a number of times when I've been unable to speak.",
        # What someone died of (a user pass, round 15: it got the full alarm).
        "my grandad died of a stroke",
        # Well now, in texting words (round 15's over-reach pass).
        "had a seizure as a teenager but rn im totally fine, is magnesium safe for me",
        "my dad had a stroke in 2019, rn hes doing great, can he take magnesium",
        "my brother passed out drunk at the wedding lol, he was fine next morning",
        "my son choked on a grape last year, how do i stop it happening again",
        # Puzzled, not confused; and a treatment not working (round 15's review).
        "im more confused than usual about which magnesium to buy lol",
        "confused today, do i take magnesium with food or without",
        "my lip twitch is barely responding, should i up the dose",
        "im an rn and my patient had a seizure yesterday, does magnesium help prevent them",
        "my nan fainted at the atm on saturday, could low magnesium do that",
        "my mum is confused about which magnesium to buy today",
        "my husband is more confused than usual about the dosing",
        "had a seizure last week, feeling good rn",
        "my lip swelled up last week and the doctor said that its fine atm",
    ],
)
def test_past_events_and_questions_get_one_line_then_the_reply(
    brain: Brain, content: Content, message: str
) -> None:
    reply = ask(brain, message)
    assert reply.kind in {"answer", "clarify", "fallback"}
    assert reply.sections[0].text == content.emergency.if_now
    assert all(n in content.emergency.if_now for n in NUMBERS)
    assert len(reply.sections) > 1
    assert reply.buttons
    # Asking again gives the same help, not an alarm.
    assert ask(brain, message) == reply


def test_the_line_goes_before_the_answer_to_the_question(brain: Brain, content: Content) -> None:
    reply = ask(brain, "I had a stroke years ago. Which foods have magnesium?")
    assert reply.kind == "answer"
    assert reply.entry == "foods"
    foods = brain.entry_reply(content.by_id["foods"])
    assert reply.sections == (Section(content.emergency.if_now), *foods.sections)


def test_a_red_flag_during_the_check_ends_it_and_a_calm_mention_does_not(brain: Brain) -> None:
    state: dict[str, Any] = {}
    brain.start_check(state)
    assert brain.on_text(state, "can low magnesium cause fits?").kind == "check"
    assert brain.in_check(state)
    assert brain.on_text(state, "my face is drooping right now").kind == "emergency"
    assert CHECK_KEY not in state


# -- other languages --------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "hola, mi labio tiembla desde hace tres días, ¿es falta de magnesio?",
        "Mein Gesicht hängt auf einer Seite herunter",
        "j'ai le visage qui tombe d'un côté",
        "У меня дергается губа",
        "唇がピクピクする",
        "moja warga drga, czy to brak magnezu?",
        "bibir saya berkedut, apakah ini kekurangan magnesium?",
        "Lippe zuckt was tun",
        "meine Lippe zuckt seit Tagen",
        "mi labbro trema",
        # An emergency in another language, with few of its common words.
        "no puedo respirar",
        "je ne peux pas respirer",
        "ich kann nicht atmen",
        "non posso respirare aiuto",
    ],
)
def test_another_language_gets_an_english_reply_with_the_emergency_line(
    brain: Brain, content: Content, message: str
) -> None:
    reply = ask(brain, message)
    assert reply.text == content.emergency.other_language
    assert "English" in reply.text
    assert all(n in reply.text.splitlines()[0] for n in NUMBERS)  # the numbers first
    assert reply.buttons


def test_english_red_flag_words_in_another_language_still_count(brain: Brain) -> None:
    assert ask(brain, "mi padre tiene un stroke ahora").kind == "emergency"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in DATA.glob("*.yaml") if not p.name.startswith("redflags-real"))
)
def test_english_messages_are_never_taken_for_another_language(brain: Brain, name: str) -> None:
    taken = [i["text"] for i in _items(name) if brain.emergency.is_foreign(i["text"])]
    assert taken == []


# -- the labelled sets -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["redflags-extra.yaml", *sorted(p.name for p in DATA.glob("eval-*.yaml"))]
)
def test_every_red_flag_of_the_existing_sets_is_caught(
    brain: Brain, content: Content, name: str
) -> None:
    """The full advice for every red flag of the annotators' sets, but one kind:
    the writer's own fainting told after the fact with no warning feature ("i
    fainted at work today") gets the NHS's after-fainting line, numbers in it."""
    items = _items(name)
    recall, _, false_alarms = _figures(brain, items)
    assert recall == 100.0
    assert false_alarms == 0.0
    not_full = [
        ask(brain, i["text"])
        for i in items
        if i["expect"] == "emergency" and ask(brain, i["text"]).kind != "emergency"
    ]
    assert all(r.sections[0].text == content.emergency.after_fainting for r in not_full)


# Each real-wording set with its floors: recall, full alarm, false alarms. Each
# floor is the set's measured figure (docs/quality.md), so a regression fails:
# the tuning sets, and the frozen halves as measured after each round. Recall
# counts any reply that leads with the emergency numbers; the full advice has a
# floor of its own, so that no change quietly turns full alarms into the one line.
REAL_WORDING_FLOORS = [
    ("redflags-real-dev.yaml", 97.0, 87.9, 0.0),
    ("redflags-real-final.yaml", 100.0, 93.9, 0.0),
    ("redflags-real-dev3.yaml", 100.0, 95.0, 0.0),
    # Frozen in round 3: 77.5 % / 6.7 % when measured at its end, 95.0 % /
    # 6.7 % after round 4 and 100 % / 6.7 % after round 5 (the learned
    # opinion's one line counts). Round 8's "yesterday" (over when nothing in
    # the sentence is in the present) took one full alarm to the line.
    ("redflags-real-final2.yaml", 100.0, 75.0, 6.7),
    # Round 4's tuning half (its red flags and calm mentions taught the learned
    # opinion, so in sample) and its frozen half, measured at the end of round
    # 4 (98.8 % / 12.4 % and 86.4 % / 23.8 %), after round 5 (98.3 % and 84.4
    # %: its 95 red flags and 194 calm mentions more cost the frozen half three
    # one lines) and after round 6 (docs/quality.md).
    # Round 11: a day of the week told all in the past is over, like "yesterday"
    # ("I had a heart attack Saturday"): one full alarm of each to the one line
    # (stories such as "It was a Sunday, ... suddenly I felt a squeezing in my
    # chest"); final3 false alarms 21.4 -> 20.6 %.
    ("redflags-real-dev4.yaml", 98.8, 67.4, 8.8),
    # The third user pass's broad patterns: 86.4 / 57.1 %; narrowed: as before.
    # Round 12 (its end): 57.1 % full alarm.
    ("redflags-real-final3.yaml", 85.7, 57.1, 20.6),
    # Round 5: its tuning half (in sample) and its frozen half, measured after
    # round 5 (88.5 % / 24.3 % before it; docs/quality.md tells how often and
    # why; 67.7 % / 24.3 % before round 8's probe fixes). All below issue
    # 12's 95 % / 10 %.
    ("redflags-real-dev5.yaml", 100.0, 67.4, 16.0),
    # Round 10's figures of speech and sofa (a calm message no longer alarms): 20.3 %.
    # Round 11's days of the week: 66.7 -> 64.6 % full alarm; 65.6 % at its end.
    # The third user pass's broad patterns: 20.8 %; narrowed: 20.3 % again.
    ("redflags-real-final4.yaml", 92.7, 65.6, 20.3),
    # Round 6, message-like wording: its tuning half (in sample) and its frozen
    # half, measured before round 6's wording went in (83.3 % / 28.8 %), after
    # it (87.2 % / 28.8 %) and after the negation across a comma (below). Round
    # 8's "last week" (over, like "a week ago") took one full alarm from each to
    # the one line (65.4 -> 64.1 % on final5); recall is unchanged.
    ("redflags-real-dev6.yaml", 96.6, 50.0, 14.5),
    # Round 10's swallowing fix (below): one red flag lost its numbers (87.2 ->
    # 85.9 %), one full alarm (64.1 -> 62.8 %).
    # Round 12 (its end): false alarms 21.9 -> 20.5 %.
    ("redflags-real-final5.yaml", 85.9, 62.8, 20.5),
    # Round 7, first-person blog and forum wording: its tuning half (not in the
    # learned opinion: under grouped CV its wording did not raise recall, so
    # only the rules learned from it) and its frozen half, measured before
    # the session's changes, after them (the same) and after round 7's rules.
    ("redflags-real-dev7.yaml", 91.7, 78.3, 19.2),
    # Round 8 (stories told "last week" or "yesterday", docs/quality.md): final6
    # false alarms 48.8 -> 43.0 %. Round 9 (an account dated long ago in one of
    # its sentences is over in the others told in the past): 43.0 -> 39.5 %, and
    # one full alarm each of final3 and final4 to the one line; the writer's own
    # fainting told after it (the NHS's after-fainting line): final5 24.7 -> 21.9 %.
    # Round 9's patterns for the tuning sets' misses (choking, legs that will not
    # move...) raised no frozen recall and cost final4 one false alarm (21.3 %);
    # what a thing "can cause" (not what is happening) took it back (20.8 %);
    # what a stroke left behind ("left her paralyzed", rehab): final5 20.5 %;
    # a sign in the present in its own clause beside a past ("the doctor said it
    # could be a stroke, her face is drooping" alarms): final4 20.3 -> 20.8 %;
    # grey lips and a crooked mouth as signs: final5 20.5 -> 21.9 %.
    # Round 10: "swallowed a tablet" no longer alarms (a token was both words of
    # "swell* swallow*"); trouble swallowing is a sign of its own: final6 64.5 ->
    # 63.2 % full alarm. Confusion read only as not knowing where one is ("I
    # don't know where to buy magnesium" alarmed): 61.8 %, recall unchanged.
    # Round 11's days of the week: 60.5 % full alarm, false alarms 39.5 -> 38.4 %.
    ("redflags-real-final6.yaml", 86.8, 60.5, 38.4),
    # Round 9, collected at its end (docs/quality.md): its tuning half and its
    # frozen half, measured before any change was tuned on them (84.5 / 62.1 /
    # 38.6 % and 85.1 / 70.3 / 35.0 %; the session's start: 85.1 / 73.0 / 41.2 %
    # on final7), then after rules written from dev8 (in sample for dev8; final7
    # lost one full alarm to the line and nothing else moved). Round 10's
    # swallowing fix: final7 false alarms 35.0 -> 32.5 %.
    # Round 13: small talk about the bot itself went into faq.yaml; the learned
    # opinion (taught small talk as calm wording) retrained, and across the
    # red-flag tuning sets 4 red flags gained the line and 2 lost it, one of them
    # dev8's ("Trying to type it, I couldn't write the correct characters"):
    # 91.4 -> 89.7 %.
    ("redflags-real-dev8.yaml", 89.7, 65.5, 30.1),
    # Round 11: one calm message more alarms (32.5 -> 33.8 %) once the session's
    # own over-reaches were taken back (a sign told "since Monday", "chest pain
    # could it be a heart attack", "worried about my chest pain": all alarm again).
    # Round 11's third user pass (distress wording): its first, broad patterns
    # took final7 to 35.0 %; narrowed after an over-reach check, 33.8 % again.
    ("redflags-real-final7.yaml", 85.1, 68.9, 33.8),
    # Round 12, one collector's first-person and witness wording from sites no
    # earlier set used: its tuning half and its frozen half, measured before any
    # change was tuned on it (final8 the same at the start of round 12, 2791d1f).
    # Then rules written from its wording (in sample), narrowed after a user
    # pass found some of them calming real emergencies: 87.0 / 67.4 / 20.4 %.
    ("redflags-real-dev9.yaml", 87.0, 67.4, 20.4),
    ("redflags-real-final8.yaml", 95.7, 74.5, 26.0),
]
REAL_WORDING_SETS = [name for name, *_ in REAL_WORDING_FLOORS]


@pytest.mark.parametrize(
    ("name", "min_recall", "min_full_alarm", "max_false_alarms"), REAL_WORDING_FLOORS
)
def test_real_wording_red_flags_and_calm_near_misses(
    brain: Brain, name: str, min_recall: float, min_full_alarm: float, max_false_alarms: float
) -> None:
    recall, full_alarm, false_alarms = _figures(brain, _items(name))
    assert round(recall, 1) >= min_recall
    assert round(full_alarm, 1) >= min_full_alarm
    assert round(false_alarms, 1) <= max_false_alarms


def test_real_wording_sets_name_their_sources_and_share_no_message() -> None:
    seen: set[str] = set()
    for name in REAL_WORDING_SETS:
        items = _items(name)
        assert len(items) >= 40
        # A page's address, or a public dataset and its row.
        assert all(str(i["source"]).startswith(("http", "curai/")) for i in items)
        texts = {i["text"] for i in items}
        assert not texts & seen, name
        seen |= texts


def test_eval_counts_calm_false_alarms(brain: Brain, content: Content) -> None:
    ids = {e.id for e in content.entries}
    items = load_labelled(DATA / "redflags-real-dev.yaml", ids)
    report = summarize(run(brain, items), sorted(ids))
    calm = [i for i in items if i.expect != "emergency"]
    alarms = [i for i in calm if ask(brain, i.text).kind == "emergency"]
    assert report.false_alarms == round(100.0 * len(alarms) / len(calm), 1)
    assert "false alarms" in format_report(report, "dev")


# -- the learned opinion -------------------------------------------------------------

RED = [
    "my husband collapsed on the kitchen floor and won't wake up",
    "her face went slack on the left and she can't lift her arm",
    "dad is gasping and his lips are going grey",
    "my mum is shaking all over and not answering us",
]
CALM = [
    "which foods have the most magnesium",
    "is coffee bad for magnesium levels",
    "my lip has twitched for a week, what causes it",
    "how much magnesium should an adult take a day",
]


def test_the_opinion_reads_unseen_wording_like_the_red_flags_it_was_taught() -> None:
    opinion = RedFlagOpinion(RED, CALM)

    def likely(text: str) -> float:
        return opinion.likelihood(text.lower().split())

    # Neither message is among the taught ones; each shares their kind of words.
    assert likely("my wife collapsed and won't wake up") > 0.5
    assert likely("what foods have magnesium in them") < 0.5


def test_a_red_flag_only_the_opinion_reads_gets_the_line_and_the_answer(
    brain: Brain, content: Content
) -> None:
    # Real wording (redflags-real-dev4.yaml) that no pattern finds.
    patterns_only = EmergencyDetector(content.emergency)
    text = (
        "Then I noticed that his breathing was kind of off. "
        "It was louder and a lot quicker than it should have been."
    )
    assert patterns_only.assess(text) is None
    assert brain.emergency.assess(text) == Assessment(LEARNED_SIGN, "unclear")
    reply = ask(brain, text)
    assert reply.urgent
    assert reply.kind != "emergency"  # never the full advice on its word alone
    assert reply.sections[0] == Section(content.emergency.if_now)
    assert len(reply.sections) > 1  # and then the reply to the message


def test_the_opinion_is_not_asked_where_the_patterns_judged_a_sign_calm(brain: Brain) -> None:
    for text in ("no arm weakness, only the twitch", "my arm is numb from sleeping on it"):
        assert brain.emergency.assess(text) is None


def test_without_red_flags_in_the_content_there_is_no_opinion(content: Content) -> None:
    assert RedFlagOpinion.of(replace(content, red_flags=())) is None
    assert RedFlagOpinion.of(content) is not None
