"""The words the emergency check reads a sign's sentence with (bot/safety.py).

The signs themselves are content (faq.yaml, `emergency.signs`); these are how
English tells whether one is happening now: negations, words of time (past,
now, lasting, sudden), questions and statements about a condition, causes, and
the everyday triggers that make a sign harmless. Each list says what it is for;
each was grown on real wording (tests/data/redflags-real-*.yaml, docs/quality.md)
and has tests in tests/unit/test_safety.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "now" this many words before a sign (same clause) puts it in the present...
NOW_REACH = 4
# ...as does "now" or "again" this many words after it...
AGAIN_REACH = 2
# ...unless it is no time at all.
NOT_NOW = ("now and then", "now and again", "every now", "now called", "now known")
# A sentence that points back ("She ...") is in the time of the one before it,
# unless it says its own present: "She fainted years ago. She is not breathing."
PRESENT_VERBS = frozenset(
    "is are am isnt arent has cant cannot wont doesnt keeps now hes shes im theyre".split()
)
# A negation this many words before an occurrence (same clause) negates it.
NEGATION_REACH = 4
# ...or this many when a list follows it ("no slurred speech or droopy face").
NEGATED_LIST_REACH = 8

# Negations of a sign; "cant", "wont", "couldnt" describe one instead ("cant speak").
NEGATIONS = frozenset(
    "no not dont doesnt didnt isnt arent wasnt werent havent hasnt hadnt never without nor zero"
    " nobody noone".split()
)
# What a pattern word `not` matches.
NOT_WORDS = frozenset(
    "not isnt arent wasnt werent doesnt didnt dont wont wouldnt cant couldnt cannot".split()
)
# Real words one letter away from a pattern stem: never taken for a slip of it
# ("dropped coins" is not "drooped", "smell" is not "swell", a dental "filling"
# is not a face "falling", "sitting" is not "fitting", eyelids that "shake" are no
# "shade" over an eye, "swallowed a tablet" is no "swelling").
NOT_SLIPS = frozenset(
    "dropped dropping smell smells smelled smelling shell spell filling fillings sitting"
    " shake shakes shaken shaky swallow swallows swallowed swallowing stroked stroking"
    " hitting getting putting cutting setting letting".split()
)
# Words after which a negation is about the person, not the sign ("I don't know
# what is happening, my face is drooping").
NOT_NEGATED = frozenset("know sure think understand remember idea".split())
# "Can't talk to my doctor until Monday" is about talking to someone (unless the
# sentence says how the speech is).
TALK_WORDS = ("talk", "speak")
TALK_TO = frozenset("to with".split())
SPEECH_WORDS = ("proper", "slur", "word", "sense")
# "Didn't respond to my texts / to the treatment" is not about being unresponsive.
RESPOND_TO_THINGS = (
    "text",
    "messag",
    "email",
    "mail",
    "call",
    "letter",
    "question",
    "treatment",
    # A treatment not working ("my eczema is barely responding to the steroid
    # cream"; round 15's over-reach pass).
    *("cream", "steroid", "tablet", "pill", "antibiot", "physio", "therap", "whatsapp"),
    *("snapchat", "insta", "facebook", "dm"),
    "medic",
    "drug",
    "magnes",
    "supplement",
)
# Words that date a sentence well in the past, or make it a habit rather than an event.
PAST_WORDS = frozenset(
    "ago childhood history survivor sometimes usually whenever permanent permanently".split()
)
PAST_PHRASES = (
    "last year",
    "last week",
    "last month",
    "as a child",
    "as a kid",
    "when i was",
    "when he was",
    "when she was",
    "when they were",
    "when we were",
    "age of",
    "used to",
    "in the past",
    "back in",
    "years back",
    "year back",
    "months back",
    "weeks back",
    "while back",
    "passed away",
    "as a teen",
    "as a teenager",
    "as a baby",
    "since my stroke",
    "after my stroke",
    "since the stroke",
    "after the stroke",
    "since his stroke",
    "after his stroke",
    "since her stroke",
    "after her stroke",
    "years before",
    "years earlier",
    "months before",
    "months earlier",
    "when i had",
    "when he had",
    "when she had",
    "at age",
    "my first",
    "every time",
    "number of times",
    "several times",
    # Now and again, like "sometimes": it comes and goes.
    "now and then",
    "now and again",
    "from time to time",
    "every so often",
    # An event told as over and done ("I have had a stroke, what has happened to
    # my vision?"); "just had" is happening now (NOW_PHRASES wins).
    "have had a",
    "has had a",
    "ive had a",
    # Already seen to by a doctor.
    "diagnosed with",
    "doctor told me",
    "doctor said",
    "doctor explained",
    "i now know",
    "this past week",
    "the past week",
    "the first time i",
    "the first time he",
    "the first time she",
    "the first time it",
    "early this week",
    "earlier this week",
    "doctors said",
    # Help came ("was taken away by ambulance", "rushed to the hospital").
    "by ambulance",
    "rushed to",
    "taken to hospital",
    "taken to the hospital",
    "admitted to",
    "discharged",
    "intensive care",
    "icu",
    "ruled out",
    "ruling out",
    "confirming",
    # A long-term condition rather than an event.
    "dealt with",
    "my seizures",
    "his seizures",
    "her seizures",
    "my past",
    "had experienced",
    "deal with",
    "suffer from",
    "suffers from",
    "suffered from",
    # Told as done and over ("I recently had a heart attack", "my dad had suffered
    # a cardiac arrest", "my double vision has since gone away").
    "recently had",
    "had suffered",
    "had had",
    "has since",
    "have since",
    # What a stroke left behind ("this unexpected path called stroke recovery",
    # "in a rehab facility"); not "the recovery position", which is first aid.
    "stroke recovery",
    "rehab",
    "rehabilitation",
)
# A condition that has left someone with a lasting deficit: "a stroke which has
# left her paralyzed on her left side".
AFTERMATH = re.compile(
    r"\b(?:has|had|have|which|that|it|stroke) left (?:him|her|me|them|my \w+)"
    r" (?:paraly|unable|with|blind|deaf|weak|without)"
)
# A stroke or heart attack named as one event someone had, in the past simple
# ("my husband had a stroke", "I am 71 and had a stroke"): a summary, like "has
# had a", read as unclear (the one line, then the answer) unless the rest says
# now (EmergencyDetector._summarised). Not a seizure: "my lil bro had a fit,
# like full body convulsing" is told as it happened.
HAD_A_CONDITION = re.compile(
    r"\b(?:had|suffered) (?:a|an) (?:(?:mild|slight|small|minor|massive|major|big|bad"
    r"|severe|little|full|first|second|third|silent|serious) )*"
    r"(?:stroke|mini stroke|heart attack|tia)\b"
)
# ...unless someone suspects it ("I think my dad had a stroke"), calls for help
# or tells where they are ("... on the floor") beside it.
SUSPECTED = frozenset(
    "think thinking sure maybe might probably guess believe suspect reckon possibly"
    " ambulance paramedics 999 911 112 help cpr hurry please pls omg quick urgent floor"
    " front now".split()
)
YEAR = re.compile(r"^(19|20)\d\d$")
# A date ("on the 8th of April", "October 5"; "8th" reads "8 th"; "in March",
# "last summer", "last Friday", "on Christmas Day"): a day gone by. Not "May"
# (may) alone.
_MONTH = "january|february|march|april|june|july|august|september|october|november|december"
_LAST = "may|summer|winter|spring|autumn|fall|christmas|easter|halloween|weekend"
_DAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DATE = re.compile(
    rf"\b(?:\d{{1,2}} ?(?:st|nd|rd|th)? (?:of )?(?:{_MONTH})|(?:{_MONTH}) \d{{1,2}}"
    rf"|(?:last|in) (?:{_MONTH})|last (?:{_LAST}|{_DAY})"
    # 2/27/12, 27.2.2012 (read as "2 27 12")
    r"|\b\d{1,2} \d{1,2} (?:\d{2}|\d{4})\b"
    rf"|on christmas(?: day| eve)?|on new years(?: day| eve)?)\b"
    # "Once" as one time ("I had anaphylaxis once from shellfish", "I had a
    # seizure once"), not "at once" or "once he collapsed".
    r"|\bonce (?:from|at|in|when|as|after|before|while|during)\b|(?<!\bat )\bonce$"
)
# Times long gone that date a whole account: a sign told in another sentence of
# it, in the past tense and with nothing in the present, is part of the same
# story ("When I was in my 20s, ... Bam. I passed out and hit the floor"). Not
# recent times ("I started magnesium a week ago. I fainted and my heart was
# racing" may be about now) and not habits ("used to", "sometimes").
STORY_TIME = re.compile(
    r"\b(?:(?:years?|months?) (?:ago|back|before|earlier)|last year|in the past"
    r"|in (?:my|his|her|our|their) \d0 ?s"
    r"|when (?:i|he|she|we|they) (?:was|were) (?:in (?:my|his|her|our|their) \d+ ?s"
    r"|a (?:kid|child|baby|teen|teenager|toddler)|young|little|small)"
    r"|as a (?:kid|child|baby|teen|teenager|toddler)|at (?:the )?age (?:of )?\d+"
    r"|(?:19|20)\d\d"
    rf"|\d{{1,2}} ?(?:st|nd|rd|th)? (?:of )?(?:{_MONTH})|(?:{_MONTH}) \d{{1,2}}"
    r"|on christmas(?: day| eve)?|on new years(?: day| eve)?"
    # "Once" as one time; a day told by the event that followed it.
    r"|once (?:when|at|in|during)"
    r"|(?:day|night|week) (?:before|after) (?:my|his|her|the) (?:first )?(?:heart attack|stroke))\b"
)
# Words that ask for help now, with or without a question mark: an account with
# them in it is not all over ("... and she couldn't lift her arm, what do I do").
ASKING_NOW = re.compile(
    r"\b(?:what (?:do|should|can) (?:i|we)|should (?:i|we)|do (?:i|we) need|is (?:this|it|that)"
    r"|help|worried|worrying|scared|frightened|afraid|panicking)\b"
)
# A sign whose own part of the sentence says it has lasted weeks or more is no
# sudden event ("my wife has been slurring her words for 6 months").
LASTING = re.compile(
    r"\bfor (?:the (?:past|last) |about |over |almost |nearly |more than )?"
    r"(?:(?:a|an|one|a few|a couple of|few|several|many|some|\d+|two|three|four|five|six"
    r"|seven|eight|nine|ten) )?(?:weeks?|months?|years?|ages)\b"
)
# A sign that comes with a passing state is a pattern the person knows, not an
# event happening now ("when he's tired, the left side of his face droops", "my
# speech slurs when I'm really tired").
WHEN_STATE = re.compile(
    r"\bwhen(?:ever)? (?:im|i am|hes|he is|shes|she is|i get|he gets|she gets|i feel)"
    r" (?:(?:very|really|so|super|extremely|a bit) )*"
    r"(?:tired|exhausted|overtired|sleepy|sleeping|asleep|stressed|anxious|nervous|hungry)\b"
)
# Breathlessness that comes with effort ("my husband has copd and gets
# breathless on walks"): how things are, not an event now.
ON_EFFORT = re.compile(
    r"\b(?:get|gets|getting) (?:\w+ )?(?:breathless|out of breath|short of breath|winded"
    r"|puffed out) (?:on|when|after|walking|climbing|going up|doing|with)\b"
)
# A sign in a story on a screen or a page ("watching greys anatomy and someone
# had a seizure", "writing a screenplay where someone has a heart attack"): not
# one happening to the writer. Not "movie", "tv" or "news" ("we were watching a
# movie and my dad collapsed"), nor "episode" or "character" ("she's having an
# episode", "acting out of character").
FICTION = frozenset(
    "novel novels screenplay documentary eastenders storyline fictional fiction anatomy".split()
)
# Read only when the sign befalls someone in the story ("someone had a seizure",
# "a character has a heart attack") and the sentence names no one real
# ("watching a documentary and my dad collapsed", "mum collapsed while watching
# eastenders").
STORY_PEOPLE = frozenset("someone somebody character characters man woman guy girl bloke".split())
STORY_TELLERS = frozenset(
    "i im ive my he hes his him she shes her we our mum mom dad nan gran grandma grandad"
    " grandpa husband wife partner son daughter baby brother sister friend".split()
)
# Laughter beside "nearly" or "almost" a sign: a figure of speech.
LAUGHS = frozenset("haha hahaha lol lmao lmfao rofl".split())
ALMOST = frozenset("nearly almost".split())
STILL_GOING = PRESENT_VERBS | frozenset("still help cant cannot wont its theyre".split())
# ...and a sign that comes with something the person does ("my chest feels tight
# when I take magnesium", "my lips swell whenever I eat nuts"): a pattern too.
WHEN_DOING = re.compile(
    r"\bwhen(?:ever)? (?:i|he|she) (?:take|takes|eat|eats|drink|drinks|exercise|exercises|run"
    r"|runs|walk|walks|climb|climbs|lie|lies|bend|bends|stand|stands|sit|sits|cough|coughs"
    r"|skip|skips|have a cold|have the flu|have a chest infection|got a cold"
    r"|laugh|laughs|sneeze|sneezes|sleep|sleeps|get up|gets up)\b"
)
# "Yesterday", "the other day" or a day of the week put a sign in the past only
# when nothing in its sentence is in the present: "I had a grand mal seizure
# yesterday", "I had a heart attack Saturday", not "he collapsed yesterday and
# he's still not awake" or "since Monday my face is drooping".
RECENT_PAST = frozenset(
    "yesterday monday tuesday wednesday thursday friday saturday sunday".split()
)
RECENT_PAST_PHRASES = ("the other day",)
# ...nor when the day is one to come ("my arm went numb, the GP can see me on
# Monday", "until Friday"), a habit ("every Sunday") or the start of what still
# goes on ("chest pain since Monday").
NOT_PAST_DAY_AFTER = frozenset("next until till til coming by before every this since".split())
FUTURE_WORDS = frozenset("will gonna appointment appt booked see seeing visit".split())
STILL_NOW = PRESENT_VERBS | frozenset("its still getting hasnt havent".split())
# Said of someone after a sign told in the past: it is over ("On Saturday she had
# a seizure, but she's doing just fine now"; safety_reading.recovered).
RECOVERED = (
    "fine now",
    "fine next morning",
    "fine the next morning",
    "fine next day",
    "fine the next day",
    "ok now",
    "okay now",
    "better now",
    "normal now",
    "back to normal",
    "doing fine",
    "doing well",
    "doing great",
    "fully recovered",
)
# A sign that started on a recent day and is not said to have stopped goes on
# ("my face started drooping on Monday").
STARTED = frozenset("started began".split())
# A sentence is told in the past when it has a verb in the past ("-ed" or one of
# these) and none of the present ("... and my chest hurts", "my throat feels
# tight"; "hurt" may be either and counts as present).
PAST_VERBS = frozenset(
    "had was were went fell felt lost got began woke came became saw froze broke kept"
    " left stood sat took bit hit ran couldnt wouldnt didnt wasnt werent".split()
)
# A sign that has gone on for minutes or hours up to now ("ive had a pressure in
# my chest for 20 mins"): not an event told as over ("have had a", PAST_PHRASES).
ONGOING = re.compile(
    r"\b(?:ive|i have|hes|shes|he has|she has|its|it has|weve|theyve) (?:had|been)\b.{0,60}?"
    r"\bfor (?:\d+|a few|a couple of|the last|the past|about|over|nearly|almost|like)"
    r" ?(?:\d+ )?(?:mins?|minutes?|hours?|hrs?)\b"
)
# "How do I stop it happening again": a fear for later, not now.
NOT_AGAIN_AFTER = frozenset("stop stops prevent avoid from".split())
# A word of now said with the writer well ("im fine rn", "none atm", "rn hes
# doing great"): the now is the recovery's, not a sign's (round 15's over-reach
# pass). Only these words of now; "just had a seizure but im fine" stays now.
NOW_UNLESS_WELL = frozenset({"rn", "atm", "just lost", "just went", "just gone"})
# Words of being well ("rn im totally fine").
WELL_WORDS = frozenset(
    "fine ok okay good great better alright normal none stable controlled".split()
)
# How near a word of being well stands to the word of now, before or after it.
WELL_REACH = 4
# A word of being well asked about or hoped for ("is she ok?", "will he be ok",
# "if hes ok") is no recovery; nor one denied ("dont feel so good", NEGATIONS).
WELL_ASKED = re.compile(
    r"\b(?:(?:is|are|was|were|will|would|if|whether) (?:she|he|they|it|that|this|everything|you|i|we)"
    r"(?: be| going to be)?|(?:will|would) (?:she|he|they|it|i|we) be)$"
)
# "rn" and "atm" as texted words of now, not "an RN" (a nurse) or "the atm" (a
# cash machine).
TEXTED_NOW = frozenset({"rn", "atm"})
NOT_TEXTED_NOW_AFTER = frozenset("a an as am im the at this that by".split())
NOT_TEXTED_NOW_BEFORE = frozenset("here nurse nurses machine".split())
# A death told ("my grandad died of a stroke"): the sign just after it is what
# he died of, long over, not a sign now ("close to death from" is no death told).
DIED_OF = re.compile(
    r"\b(?:died|passed away) (?:of|from|after)(?: (?:a|an|his|her|their|the|my))?$"
)
# "A bit" is an amount and "left arm" a side, not the verbs "bit" and "left"
# ("her mouth is a bit droopy but she can talk ok now").
NOT_PAST_BEFORE = {"bit": frozenset("a little".split())}
NOT_PAST_AFTER = {
    "left": frozenset(
        "side arm arms leg legs hand hands foot feet eye eyes face cheek lip ear half corner"
        " shoulder chest".split()
    )
}
PRESENT_WORDS = STILL_NOW | frozenset(
    "can feel feels hurt hurts look looks seem seems go goes feeling experiencing".split()
)
# "Started to feel numb", "could feel": not the present.
NOT_PRESENT_AFTER = frozenset("to would could couldnt did didnt".split())
# Seizures someone has, gets or suffers from are a condition they live with
# ("My husband has seizures", "I still experience seizures"), not one now.
CHRONIC = re.compile(
    r"\b(?:has|have|get|gets|experience|experiences|suffer from|suffers from)"
    r" (?:\w+ )?(?:seizures|fits|convulsions)\b"
)
# "my daughter has a severe nut allergy": a condition, not a reaction now, unless
# the sentence tells one (ALLERGY_REACTING: "... and ate a satay, lips swelling").
ALLERGY_HELD = re.compile(
    r"\b(?:has|have|with) (?:a )?(?:severe|serious|bad) (?:\w+ )?allerg(?:y|ies)\b"
)
ALLERGY_REACTING = frozenset(
    "reaction reacting attack ate eaten eating swell swelling swollen breathe breathing throat"
    " epipen epi wheezing hives now".split()
)
# A sign told with how often it comes is a pattern, not one event now ("my
# seizures are controlled, having a few a month", "I get chest pain twice a week").
FREQUENCY = re.compile(
    r"\b(?:(?:a|per|every|each) (?:day|week|month|year)|times a|few a"
    # Not "a night out", "after a night shift": an event.
    r"|(?:per|every|each) (?:night|evening|morning)|(?:times|once|twice) a (?:night|evening|morning)"
    r"|in the (?:evenings|mornings|afternoons)|most (?:days|nights|evenings|mornings))\b"
)
# Fainting the writer tells of in the past ("I passed out", "I nearly fainted")
# is over: they are awake to write. The NHS (issue 12's doctor check): fainting
# once with full recovery is for a doctor soon, not 999, unless a warning
# feature comes with it (chest pain, palpitations, a seizure, an injury; trouble
# speaking, seeing or moving are signs of their own).
# A collapse is left out: it may be the heart, and it alarms.
AWAKE_AGAIN = ("faint", "pass", "black", "lost conscious", "lose conscious")
AWAKE_LEADS = frozenset("i ive".split())
# Words that may stand between "I" and the fainting ("I nearly passed out").
AWAKE_BETWEEN = frozenset(
    "just nearly almost then briefly suddenly actually completely had have".split()
)
FAINT_WARNINGS = (
    # The NHS: 999 for someone who fainted while exercising.
    "exercis",
    "workout",
    "working out",
    "gym",
    "running",
    "jogging",
    "parkrun",
    "marathon",
    "cycling",
    "spin class",
    "football",
    "sport",
    "heart",
    "palpitat",
    "pulse",
    "chest",
    "breath",
    "hit my head",
    "hit his head",
    "hit her head",
    "banged my head",
    "injur",
    "bleed",
    "shak",
    "jerk",
    "seiz",
    "convuls",
    "fit",
)
# "Earlier" (NOW_PHRASES) of a longer time: "earlier this year", "earlier in life".
LONG_EARLIER = re.compile(
    r"\bearlier (?:this|last|in the|in my|in his|in her) (?:year|month|life)\b"
)
# A sign named as the sign of something, with no one in its part of the sentence:
# "numbness and tingling on one side of the body are classic signs of a stroke".
SIGN_OF = re.compile(r"\b(?:is|are) (?:a |an |the )?(?:\w+ )?(?:sign|signs|symptom|symptoms) of\b")
# A sign said to be less ("my face feels less droopy") is getting better.
IMPROVING = frozenset({"less"})
# "No longer" before an ability is its loss, not a negation ("I could no longer
# speak properly"); before a sign it is the sign gone ("it no longer droops").
ABILITIES = frozenset(
    "speak talk read write walk see move feel lift raise use understand swallow breathe".split()
)
# A sign someone has had all their life is how they are, not an event ("my mouth
# has always been a bit crooked", "a crooked mouth since birth").
LIFELONG = re.compile(
    r"\b(?:always been|since birth|since i was born|all my life|my whole life|from birth)\b"
)
# Words that put a sentence in the present, whatever else it says.
NOW_PHRASES = (
    "right now",
    # Texting for "right now" and "at the moment".
    "rn",
    "atm",
    "its back",
    "happening again",
    "just now",
    "just had",
    "just started",
    "just lost",
    "just went",
    "just gone",
    "just happened",
    "at the moment",
    "seconds ago",
    "min ago",
    "mins ago",
    "minute ago",
    "minutes ago",
    "hour ago",
    "hours ago",
    "this morning",
    "last night",
    "since yesterday",
    "earlier",
    "tonight",
    "today",
    "since lunch",
    "please help",
    "is happening",
    "its happening",
    "happening now",
    "call ambulance",
    "call an ambulance",
    "calling an ambulance",
    "get an ambulance",
    "need an ambulance",
    "send an ambulance",
    "ring an ambulance",
    "for an ambulance",
)
# Words that say a sign came on suddenly or is growing now ("lips swelling up",
# "getting bigger by the minute"): what an `if_sudden` pattern needs.
SUDDEN_STEMS = ("sudden", "rapid", "quick", "fast")
SUDDEN_PHRASES = (
    "out of nowhere",
    "all at once",
    "within minutes",
    "within seconds",
    "in minutes",
    "by the minute",
    "swelling up",
    "swelled up",
    "swell up",
    "swells up",
    "swollen up",
    "puffed up",
    "puffing up",
    "puff up",
    "puffs up",
    "blew up",
    "blowing up",
    "getting bigger",
    "is swelling",
    "are swelling",
    "was swelling",
    "were swelling",
    "started",
    "starting",
    "began",
    # An insect sting brings swelling on fast, and can bring anaphylaxis (NHS).
    "bee sting",
    "wasp sting",
    "stung",
    # Round 14's independent pass: "came on in seconds", "struck me like lightning".
    "in seconds",
    "in a flash",
    "like lightning",
    "in an instant",
    "instantly",
    "in one second",
    "in a second",
    "from nowhere",
)
# A sentence starting with one of these points back to the one before it.
BACK_REFERENCES = frozenset("he she it they one both".split())
# Questions about what may come ("will I get that 'elephant on the chest' feeling?").
FUTURE_OPENERS = frozenset("will would".split())
# A generic statement about a condition has one of these ("Seizures can be scary").
GENERIC_VERBS = frozenset(
    "is are can may might often usually frequently typically tend tends occur occurs".split()
)
# Words shortly before a sign in its clause, or among its words, that make it a
# what-if ("If I ever have a heart attack", "your throat may close up", "my lips
# would swell up"). Not "going to": "I feel like I'm going to pass out" is one.
HYPOTHETICAL = frozenset("if ever may might will would".split())
HYPOTHETICAL_REACH = 5
# What something can do, not what is happening: "a single crumb can send me into
# anaphylaxis", "standing up can trigger a racing heartbeat and fainting", "a
# stroke that could have left him paralysed". Read in the words before a sign.
POTENTIAL = re.compile(
    r"\b(?:can|could|may|might)(?: (?:even|also|potentially|sometimes|easily|still|really))?"
    r" (?:trigger|cause|result in|lead to|send|give|make|bring on|get|have left|have caused|put)\b"
)
POTENTIAL_REACH = 10
# A sign told as what something did to someone ("magnesium made me feel faint,
# is that normal"): a side effect told after it, not an event now.
MADE_FEEL = re.compile(r"\b(?:made|makes) (?:me|him|her|them)(?: feel| go| get)?(?: \w+)?$")
# What a sign is like, known or remembered ("I remember what it is like to be
# unable to breathe", "i know what chest pain feels like"): no event. Read in the
# words before a sign, with "like" in the sentence: "i dont know what to do i
# cant breathe" is an emergency.
KNOWN_WHAT = re.compile(r"\b(?:remember|know|knew|imagine|understand|forget) what\b(?! to\b)")
# A sign someone thought they had, told after it ("I thought I was having a stroke
# but it was just anxiety", "thought i was having a heart attack, turned out to be
# a panic attack"): a fear looked back on. Read in the words before a sign.
THOUGHT_HAD = re.compile(
    r"\b(?:thought|feared) (?:that )?(?:i|he|she|they|we|it|my \w+) (?:was|were|had|might|would|could)\b"
)
# A sign someone fears, not one they have: "i'm terrified of having a seizure", "i
# have a fear of choking" (read in the words before it), "choking is my biggest
# fear" (after it).
FEARED = re.compile(
    r"\b(?:fear|fears|afraid|scared|terrified|frightened|phobia|paranoid|worried|worry)"
    r" (?:of|about)(?: having| getting| suffering)?(?: a| an)?$"
)
FEARED_AFTER = re.compile(r"^(?:is|are) (?:my|his|her|their|our) (?:\w+ )?(?:fear|phobia)\b")
# A sign followed by one of these, with no one in particular in the sentence, is
# a statement about it ("Chest pain can be scary").
POTENTIAL_AFTER = frozenset("can may might could".split())
# ...but "chest pain might be a heart attack" is a guess at what is happening.
GUESSED_AFTER = re.compile(
    r"^(?:might|could) be (?:a |an |having a |having an )?(?:mini )?"
    r"(?:heart attack|stroke|tia|seizure|fit|bleed|brain bleed|clot|blood clot|aneurysm"
    r"|cardiac|anaphyla)"
)
# Sayings with a sign's word in them: never the sign.
IDIOMS = (
    "stroke of luck",
    "stroke of genius",
    "stroke of midnight",
    "stroke of the pen",
    "swimming stroke",
    "breast stroke",
    "back stroke",
    "stroke my cat",
    "stroke my dog",
    "stroke the cat",
    "stroke the dog",
    "seize the day",
    "seizing the day",
    "seize the moment",
    # Round 14: laughter and a medical term, not a fit or choking.
    "in fits",
    "choked laughing",
    "choking laughing",
    "choked with laughter",
    "seizure threshold",
    # Figures of speech with a sign's words: no sight lost, no choking, no fit.
    "cant see why",
    "cant see how",
    "cant see what",
    "cant see the point",
    "cannot see why",
    "couldnt see why",
    "fitting into",
    # "fitting in with friends", not "fitting in the bath"
    "fitting in with",
    "fitting in at",
    "fitting in well",
    "fitting in fine",
    "fitting in ok",
    "fitting in okay",
    "fitting in socially",
    "fitting in there",
    "fitting in here",
    "fitting in time",
    # "fitting for the occasion", not "fitting for 5 minutes"
    "fitting for the",
    "fitting for this",
    "fitting for such",
    "fitting for someone",
    "fitting for him",
    "fitting for her",
    "fitting for them",
    "fitting for my",
    "fitting for his",
    "fitting for our",
    "fitting for their",
    "fitting for your",
    "fitting room",
    "fitting service",
    "fitting shoes",
    "fitting glasses",
    "limp with",
    "limp like",
    "limp as",
    "moving his bowels",
    "moving her bowels",
    "moving house",
    "moving to",
    "moving in",
    "moving out",
    "moving forward",
    "moving back",
    "moving on from",
    "moving much",
    "moving as",
    "moving up",
    "moving off",
    "choking up",
    "choked up",
    "choke up",
    # "a fit about the wifi", not "a fit about ten minutes ago"
    "fit about the",
    "fit about it",
    "fit about that",
    "fit about this",
    "fit about his",
    "fit about her",
    "fit about my",
    "fit about their",
    "fit about being",
    "fit about nothing",
    "fit about everything",
    "fit about something",
    "threw a fit",
    "throw a fit",
    "throws a fit",
    "throwing a fit",
    "thrown a fit",
    "pitched a fit",
    "fit of coughing",
    "fit of sneezing",
    "fit of temper",
    "fit of jealousy",
    "collapsed with laughter",
    "collapsed laughing",
    "collapsing with laughter",
    "collapse with laughter",
    "fit of laughter",
    "fit of laughing",
    "fit of giggles",
    "fits of laughter",
    "fit of rage",
    "coughing fit",
    "laughing fit",
    "sneezing fit",
    "faint hearted",
    "faint of heart",
    "face fell when i saw",
    "face fell when i heard",
    "face dropped when i saw",
    "face dropped when i heard",
    "face froze when i saw",
    "face froze when i heard",
    "exploding with",
)
# The emergency call itself: a sign when told ("I called 911"), not when asked
# about ("do I need an ambulance for a lip twitch?").
CALL_WORDS = frozenset("ambulance 999 911 112".split())
# "This twitching is giving me a heart attack": a figure of speech when the
# sign is a condition's name.
GIVING_ME = frozenset(("giving me", "give me", "gives me", "gave me"))
# A question with one of these and no one in particular asks about experiences,
# not about now ("Have you ever woken up to realise that you can't feel your
# arm?"; not "is this the worst headache I've ever had?").
ASKS_EXPERIENCE = frozenset("ever experienced".split())
# A question whose cause "makes you" or "gives you" the sign, shortly before it,
# asks what causes it ("can anxiety make your face feel numb?", "can dehydration
# make you pass out", "can too much magnesium make it hard to breathe"), unless
# someone in particular is in the sentence ("does that make you think his face is
# drooping?").
CAUSE_VERBS = frozenset("make makes give gives".split())
GENERIC_YOU = frozenset("you your u ur it".split())
# A sign word followed by "free" is its absence ("seizure-free for a year"); one
# after "pre" is before it ("pre-heart attack").
ABSENCE_AFTER = frozenset({"free"})
BEFORE_IT = frozenset({"pre", "anti"})
# ... and so is one after "before a" ("lip twitching before a stroke").
BEFORE_A = (
    ("before", "a"),
    ("before", "the"),
    ("before", "my"),
    ("before", "his"),
    ("before", "her"),
)
# Words of a general statement ("Chest pain is one of the most common reasons
# people call for help", "For many people, the first hint is a racing heart"):
# with none of PERSONAL in the sentence it is about the condition.
GENERAL_WORDS = frozenset(
    """most many usually often reasons kinds types humans people occur occurs likely
    recurrent typical typically rare rarely tend tends common commonly always generally""".split()
)
# "having a stroke" is happening now, unless it is "if I'm having" or "about having".
HAVING_NOT_NOW = frozenset("if whether when about of used was were me been".split())
# Names of conditions (not descriptions of what someone feels or sees).
CONDITION_STEMS = (
    "strok",
    "seiz",
    "fit",
    "epilep",
    "convuls",
    "palsy",
    "attack",
    "tia",
    "anaphyla",
    "angio",
    "thunderclap",
)
# Long-term conditions: "I have epilepsy" says who the person is, not what is happening.
LONG_TERM_STEMS = ("epilep", "palsy")
# Words that make a sentence about a condition rather than an event.
FRAMING_STEMS = (
    "cause",
    "causing",
    "trigger",
    "sign",
    "symptom",
    "mean",
    "risk",
    "prevent",
    "lower",
    "reduc",
    "safe",
    "link",
    "warning",
    "relat",
    "lead",
    "differen",
    "know",
    "besides",
    "fix",
    "away",
    "describ",
    "worr",
    "scared",
    "afraid",
    "fear",
    "threaten",
    "dangerous",
    "serious",
    "common",
    "normal",
    "heard",
)
# A sentence of nothing but the article's topic and names of conditions is a
# search for the link ("magnesium and seizures", "low magnesium stroke"), not
# someone telling what happens: no verb, no person.
TOPIC_STEMS = ("magnes", "deficien", "hypomag")
TOPIC_QUERY_WORDS = frozenset(
    "and or vs the a an of in with from low lack levels level risk mini".split()
)
# Words before the subject of a sentence: "Most seizures are not emergencies"
# is about seizures.
SUBJECT_LEADS = frozenset("a an the while although most many some all these those".split())
QUESTION_OPENERS = frozenset(
    "can could does do did is are will would should how what why which may might whats".split()
)
# A question asked after a statement, without a stop between them, as people type
# on a phone: "my lip keeps twitching could it be a stroke", "face drooping is it
# a stroke" (read as two sentences: the statement keeps its alarm).
QUESTION_FRAME = re.compile(
    r"\b(?:(?:could|can|might|may) (?:it|this|that) be|is (?:it|this|that))\b", re.IGNORECASE
)
# Words of a question whether something may be so ("is it possible", "could my
# son be having").
POSSIBLY = frozenset("possible possibly could might may sometimes often ever regularly".split())
# Words that report an event: "has my dad had a stroke?" is not a question
# about a condition ("what is bell's palsy?").
EVENT_WORDS = frozenset("had has having got gets getting".split())
# Questions about people in general ("is magnesium good for people who have had a stroke").
GENERIC_SUBJECTS = frozenset("people someone somebody anyone person those".split())
# A question about one's own symptom ("how do I fix my drooping face?") is not
# about a condition.
FIRST_PERSON = frozenset("i im ive me my mine myself".split())
# Someone in particular: the writer or a person they tell of.
PERSONAL = FIRST_PERSON | frozenset("he hes she shes his her him we our us".split())
# Common words of other languages written in Latin letters (none of them English),
# and the words of an emergency in them ("no puedo respirar", "ich kann nicht atmen").
FOREIGN_WORDS = frozenset(
    """
    de la el los las es mi y que en una por para con del al su muy pero como esta
    estoy tengo der das und ist nicht ich mein meine eine mit auf sie le les et
    est je une des du pas avec pour mon il elle dans sur qui och het een niet ik
    van che di sono non mio ho nao com uma meu minha eu czy jest nie moja moje mnie
    jak brak bir ve bu cok saya apakah tidak yang ini itu kenapa dengan jag inte att
    puedo ayuda respirar dolor pecho brazo hablar labio labios cabeza socorro
    peux respirer douleur poitrine visage parler kann atmen hilfe schmerzen brust
    gesicht sprechen posso respirare aiuto dolore petto viso braccio parlare ajuda
    peito rosto falar lippe lippen zuckt zucken zuckungen augenlid seit tagen warum habe
    labbro trema tiembla parpado paupiere hablo ingles bien entiendo
    """.split()
)


# A trigger with a negation this close before it did not happen ("I hadn't been
# to the dentist"); one with a comparison this close before it is only what the
# sign feels like ("it felt like I had a Novocaine injection for dental work").
# Not "like" alone: "I feel like my lip is still numb from the dentist".
DENIED_REACH = 4
COMPARING = (
    "like i had",
    "like id had",
    "like ive had",
    "like after",
    "as if",
    "as though",
    "imagine",
)
COMPARING_REACH = 8


# Words that begin like a trigger and are none ("hotel" is not "hot", "Saturday"
# not "sat", "situation" not "sit", "brown" not "brow", blood "pooling" not a
# "pool"): they never make a sign everyday.
NOT_TRIGGERS = frozenset(
    """hotel hotels hotline site sites situation situations saturday saturdays satisfied
    saturated standard standards brown brownie brownies pooling pooled benchmark
    heather""".split()
)

# A night of drinking: a trigger for feeling faint or blacking out, and for
# slurred speech.
_DRINKING = ("drinking", "alcohol", "wine", "beer", "hangover")


@dataclass(frozen=True)
class Harmless:
    """An everyday trigger: a sign word with a trigger word in its sentence, and
    none of the spoilers (which make it one of the signs again)."""

    signs: tuple[str, ...]
    triggers: tuple[str, ...]
    spoilers: tuple[str, ...] = ()
    # The trigger is something missing ("without my glasses"): a negation before
    # it confirms it rather than denies it.
    missing: bool = False


# Someone (whole words): with one of these or a pronoun (PERSONS) in the sentence,
# "not responding" is said of a person, whatever thing is named beside it ("my
# toddler is barely responding, whats the number to phone").
PEOPLE = (
    *("he", "she", "hes", "shes", "him", "they", "mum", "mom", "mam", "dad", "nan"),
    *("nana", "gran", "granny", "grandma", "grandad", "grandpa", "grandmother"),
    *("grandfather", "grandparent", "husband", "wife", "partner", "son", "daughter"),
    *("baby", "toddler", "teen", "kid", "child", "brother", "sister", "friend", "mate"),
    *("aunt", "uncle", "cousin", "niece", "nephew", "father", "mother", "patient"),
    *("neighbour", "neighbor", "man", "woman", "lady", "guy", "boy", "girl", "bf", "gf"),
    *("boyfriend", "girlfriend", "fiance", "fiancee", "fiancée", "colleague", "flatmate"),
    *("roommate",),
    *("hubby", "papa", "mama", "pops", "grampa", "gramps", "granda", "nanna", "nanny"),
    *("fella", "bloke", "resident", "client", "carer", "stepdad", "stepmum", "stepmom"),
    *("auntie", "aunty", "wifey", "missus", "daddy", "mummy", "mommy", "infant", "newborn"),
    *("lodger", "bestie", "bff", "someone", "somebody", "person", "cyclist", "driver"),
    *("passenger", "stranger", "guest", "student", "pupil", "teacher", "coworker", "boss"),
    *("customer", "spouse", "grandson", "granddaughter", "old", "yo", "yr", "half"),
)
PRONOUNS = frozenset("he she hes shes him her his they them their".split())
PERSONS = frozenset((*PEOPLE, *PRONOUNS, "teenager", "kids", "children"))
# What responds or not that is no person: "my phone is not responding" (the
# subject: "my", "the", ... and the thing, then SUBJECT_FILLERS, then the sign),
# with no one (PERSONS, pronouns too) in the sentence. Not pets: "he" may be a
# dog or a man ("hes on the floor next to the dog not responding").
RESPONDING_THINGS = frozenset(
    (
        *("phone", "app", "laptop", "computer", "screen", "pc", "website", "site", "server"),
        *("browser", "mouse", "keyboard", "touchscreen", "program", "wifi", "internet"),
        *("device", "remote", "printer", "bot", "telegram", "console", "ipad"),
    )
)
# "Longer than normal" compares (a fit gone on too long); "is it normal" asks.
COMPARED = frozenset({"normal", "usual"})
COMPARING_BEFORE = frozenset({"longer", "worse", "past", "beyond"})
# "Every morning but now its crushing", "a few times a week but this one wont
# stop": a habit told, then the event now.
HABIT_BROKEN = re.compile(r"\b(?:now|this one|this time|today)\b")
# Confusion about something ("my mum is confused about which magnesium to buy")
# or told of no one in particular beside the bot's topic ("so confused today,
# which is better glycinate or citrate") is puzzlement, not a sign of a stroke:
# the line at most, unless it is sudden or about where or who one is.
CONFUSION_STEMS = ("confus", "muddl")
PUZZLED_BY = frozenset("about by over between which whether".split())
# ... this many words after the confusion ("more confused than usual about the dosing").
PUZZLED_REACH = 4
PUZZLE_TOPIC = (
    *("magnes", "supplement", "dose", "dosage", "form", "glycinate", "citrate", "oxide"),
    *("article", "bot", "answer", "brand", "mg", "mcg", "tablet", "pill", "vitamin"),
)
DISORIENTED = frozenset("sudden suddenly nowhere dazed".split())
DISORIENTED_PHRASES = (
    *("where i am", "where i was", "where she is", "where he is", "where they are"),
    *("where we are", "who i am", "who she is", "who he is", "who they are", "my name"),
    *("her name", "his name", "their name", "what day", "what year", "about everything"),
    *("about anything", "about things"),
)
SUBJECT_OPENERS = frozenset("my the his her our their your this that its".split())
# Words between a subject and its sign ("my phone is just not responding").
SUBJECT_FILLERS = frozenset(
    "is isnt was wasnt not barely hardly keeps kept has have just now suddenly completely"
    " totally still stopped wont doesnt didnt really".split()
)
# "Barely", "hardly", "stopped" responding said of a treatment, a symptom or a
# friend on WhatsApp ("my lip twitch is barely responding", "my gp stopped
# responding"): the line, not the full advice. Said of anyone else, the sign.
RESPONDING_LESS = frozenset("barely hardly stopped".split())
NOT_RESPONDING_PEOPLE = frozenset(
    (
        *RESPONDING_THINGS,
        *("twitch", "twitching", "twitches", "lip", "lips", "cramp", "cramps", "migraine"),
        *("migraines", "headache", "headaches", "eczema", "pressure", "skin", "rash"),
        *("symptoms", "spasm", "spasms", "it", "ex", "gp", "doctor", "surgery", "pharmacy"),
        *("bank", "council", "landlord", "treatment", "meds", "medication", "tablets"),
    )
)
HARMLESS = (
    Harmless(
        ("numb", "tingl", "asleep", "dead", "pins", "limp"),
        (
            "sit",
            "sat",
            "cross",
            "lying",
            "lie",
            "slept",
            "sleeping",
            "sleep on",
            "asleep on",
            "kneel",
            "lean",
            "cold",
            "freez",
            "waking",
            "woke",
            # An arm after a jab.
            "vaccin",
            "jab",
        ),
        ("face", "side", "sudden", "speech", "slur", "left", "half"),
    ),
    # Collapsing on the sofa after a long day.
    Harmless(
        ("collaps",),
        ("on the sofa", "on the couch", "into bed", "in bed", "on the bed", "on my bed"),
        (
            *("breath", "wake", "respon", "conscious", "floor", "ground", "chest", "pain"),
            *("fit", "seiz", "blue", "leg", "arm", "stand", "face", "speech"),
        ),
    ),
    # A limp in walking, not a limp (floppy) body.
    Harmless(("limp",), ("walk",), ("arm", "leg", "floppy", "wake", "breath", "respon", "feed")),
    # A face numb from the cold (one side of it is a sign again).
    Harmless(
        ("numb", "tingl"),
        ("cold wind", "cold weather", "freezing", "frostbite", "snow"),
        ("side", "sudden", "speech", "slur", "droop", "arm", "leg", "left", "right", "half"),
    ),
    # Blurred vision from eye drops, screens or tiredness.
    Harmless(
        ("blur", "vision"),
        ("eye drops", "drops", "dilat", "screen", "reading", "crying", "tired"),
        ("sudden", "one eye", "double", "lost", "face", "speech", "slur", "weak", "numb"),
    ),
    Harmless(
        ("dizz", "lighthead", "faint", "black", "head"),
        (
            "stand",
            "stood",
            "getting up",
            "get up",
            "hop up",
            "jump up",
            "heat",
            "hot",
            "giving blood",
            "needle",
            "hungry",
            "drunk",
            "hungover",
            *_DRINKING,
        ),
        ("chest", "pain", "heart"),
    ),
    # A heart fast and a head dizzy in a workout (not a heart attack there).
    Harmless(
        ("fast", "racing", "pound", "flutter", "skip"),
        ("spin class", "gym", "workout", "exercis", "running", "treadmill", "training", "hiit"),
        (
            *("chest", "pain", "faint", "pass", "black", "breath", "collaps", "sweat", "stop"),
            *("attack", "arrest", "floor"),
        ),
    ),
    # Not answering texts or the phone; irregular periods or sleep.
    Harmless(
        ("answer",),
        ("text", "phone", "call", "messag", "football", "tv", "email"),
        (
            "floor",
            "breath",
            "pill",
            "tablet",
            "blue",
            "grey",
            "collaps",
            "fell",
            "wake",
            "bye",
            "goodbye",
        ),
        missing=True,  # "not answering my texts": the "not" is the answering's
    ),
    Harmless(
        ("irregular",),
        ("period", "sleep", "shift", "meal", "bowel", "cycle", "hours"),
        ("heart", "pulse", "beat", "chest", "faint", "collaps"),
    ),
    # Paralysed with fear, a figure of speech.
    Harmless(
        ("paraly",), ("fear", "scared", "terrified", "fright"), ("side", "face", "arm", "leg")
    ),
    # Numb from the dentist's injection: the face is expected there.
    Harmless(
        (
            *("numb", "tingl", "droop", "dead", "froz", "face", "smile", "lopsid", "side", "work"),
            "tongue",
        ),
        ("dentist", "dental", "anaesthe", "anesthe", "injection", "filling", "novocain"),
        ("arm", "leg", "speech", "slur"),
    ),
    # A throat swollen from a cold or a sore throat (not an allergy: that is
    # anaphylaxis).
    Harmless(
        ("swell", "swollen"),
        ("cold", "flu", "strep", "tonsil", "gland", "infection", "virus", "sore"),
        ("tongue", "lip", "breath", "swallow", "sudden", "allerg", "ate", "eating", "sting"),
    ),
    # Choking on a drink, a pill or a bite, told by someone able to type it (not
    # a child, nor with breathing or colour gone).
    Harmless(
        ("chok",),
        tuple(
            "coffee water tea drink food pill tablet crumb dinner lunch breakfast eating"
            " swallow spit".split()
        ),
        tuple(
            "breath blue sound respon conscious baby toddler child son daughter kid help"
            " he hes she shes him his her they dad mum mom husband wife grandad nan".split()
        ),
    ),
    # Lips gone blue from cold water (a cold sweat is a sign of shock, no cold).
    Harmless(
        ("blue", "grey", "gray", "bluish", "dusky"),
        (
            *("pool", "swim", "shiver", "cold", "lolly", "sweets", "candy", "slush", "popsicle"),
            *("dye", "filter", "selfie", "lipstick", "makeup", "plunge", "blueberr", "berries"),
            *("ribena", "ink", "pen", "marker"),
        ),
        (
            *("breath", "respon", "conscious", "chok", "wake", "limp", "sweat", "grogg", "clammy"),
            *("floppy", "faint", "dizz", "now"),
        ),
    ),
    Harmless(("see",), ("dark", "glasses", "contacts", "lenses"), missing=True),
    # A big tablet that is hard to swallow.
    Harmless(
        ("swallow",),
        ("pill", "tablet", "capsule", "vitamin", "supplement", "magnesium", "gumm"),
        (
            "sudden",
            "swell",
            "swollen",
            "tongue",
            "lip",
            "breath",
            "face",
            "droop",
            "slur",
            "speech",
        ),
    ),
    # A lip swollen from biting it, a cold sore, filler or the dentist (not an
    # insect bite: that can be anaphylaxis).
    Harmless(
        ("swell", "swollen", "puff"),
        (
            "bit my",
            "bit it",
            "biting",
            "chapped",
            "filler",
            "dentist",
            "injection",
            "cold sore",
            "sunburn",
            "punch",
        ),
        ("tongue", "throat", "breath", "swallow", "sudden"),
    ),
    # A tongue or lip swollen from a burn.
    Harmless(
        ("swell", "swollen"),
        ("burnt", "burned", "scald", "hot tea", "hot coffee", "hot drink", "hot food", "hot soup"),
        ("throat", "breath", "swallow", "sudden", "allerg", "sting", "ate", "eating"),
    ),
    # Speech slurred from drinking (not "talking like he's drunk": a sign).
    Harmless(
        ("slur",),
        (*_DRINKING, "pints", "vodka", "whisky", "tipsy"),
        ("face", "droop", "arm", "leg", "weak", "numb", "side", "sudden", "wake", "respon"),
    ),
    # A strained chest muscle: the pain comes with a movement or a workout.
    # (Not indigestion: a heart attack can feel like it, NHS.)
    Harmless(
        ("chest",),
        ("muscle", "strain", "pulled", "lifting", "workout", "bench", "coughing"),
        ("breath", "arm", "jaw", "sweat", "dizz", "faint", "crush", "heart", "pressure", "squeez"),
    ),
    # Out of breath from exertion.
    Harmless(
        ("breath", "short"),
        (
            "stairs",
            "carrying",
            "hill",
            "climbing",
            "run",
            "sprint",
            "laugh",
            "exercise",
            "workout",
            "gym",
            "walking",
            "jog",
            # A blocked nose.
            "nose",
            "nostril",
            "stuffy",
            "blocked",
            "congest",
        ),
        (
            *("chest", "pain", "faint", "sudden", "heart", "lips", "blue"),
            # Not breathing at all ("my mate just dropped at the gym, i dont think
            # hes breathing"; round 14's last pass).
            *("dropped", "collaps", "floor", "respon", "conscious", "wake", "stopped"),
        ),
    ),
    Harmless(
        ("droop", "heavy", "sag"),
        ("eyelid", "lid", "eyebrow", "brow"),
        ("face", "mouth", "lip", "smile", "cheek", "side"),
    ),
    # An "ice cream headache" (brain freeze): a cold food or drink.
    Harmless(
        ("head",),
        ("ice cream", "brain freeze", "cold drink", "slushie", "ice lolly", "popsicle"),
        ("worst", "vision", "speech", "slur", "confus", "neck", "vomit"),
    ),
    # Arms and legs at the gym.
    Harmless(
        ("arm", "leg", "heavy", "weak", "shak"),
        ("gym", "workout", "lifting", "weights", "exercise", "training"),
        ("face", "speech", "slur", "side", "chest", "sudden"),
    ),
)


# "He's fitting new tyres", "she collapsed the tent": the verb with a thing as its
# object is not the sign. Only things people fit or fold, so that a run-on
# ("she's fitting the ambulance is coming") keeps the alarm.
THINGS_DONE_TO = {
    "fitting": frozenset(
        "tyre tyres tire tires curtain curtains shower boiler kitchen kitchens seat carpet carpets "
        "laminate solar meter dashcam stereo rack "
        "blind blinds door doors window windows lock locks tile tiles flooring cabinet "
        "cabinets unit units bathroom shelf shelves light lights fence cooker oven sink "
        "toilet radiator radiators dishwasher alarm socket sockets wardrobe wardrobes "
        "glazing skirting cot gate gates gutter gutters panel panels pipe pipes tap taps "
        "dress suit wedding".split()
    ),
    "collaps": frozenset(
        "tent tents gazebo pram buggy stroller pushchair box boxes chair chairs deckchair "
        "table umbrella brolly trolley ladder stand cot playpen".split()
    ),
}
# "fitting new ...": new things are fitted.
FITTED_NEW = frozenset({"new"})
# "baby fitting in the moses basket still", "fitting in my lap": the size, not a fit.
FITS_IN_WORDS = frozenset(
    "still fine comfortably snugly perfectly nicely easily barely lap anymore yet size".split()
)
CALLS_FOR_HELP = frozenset("help ambulance paramedics 999 911 112 hospital".split())
# Words that open the thing ("the tent", "his deckchair"): a thing named without
# one may start a run-on sentence ("hes fitting kitchen floor help").
THING_OPENERS = frozenset("a an the his her my our their some".split())
# A sentence with one of these is read as an emergency whatever follows the
# verb ("nan collapsed her trolley fell over").
# ("help" and "now" are not among them: "fitting new tyres now, can magnesium
# help his cramps" is calm.)
THING_NOT_WITH = frozenset(
    "floor ground ambulance paramedics 999 911 112 fell flying flew hit pls please "
    "bleeding breathing unconscious responding".split()
)
THINGS_REACH = 4
