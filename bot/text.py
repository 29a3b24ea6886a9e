"""Text normalisation shared by the matcher and the emergency detector.

Everything here is deterministic and independent of the content: lowercasing,
stripping punctuation, emoji and invisible characters, splitting words from
numbers, a light plural stemmer, and English stop words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import snowballstemmer

# Messages longer than this are read only up to here: no question needs more,
# and it keeps matching time bounded whatever a user sends.
MAX_READ_CHARS = 600

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
# These format characters sit inside words (a soft hyphen, joiners, a byte-order
# mark): "magne\u00adsium" is "magnesium". The others, a zero-width space among
# them, separate words ("my\u200bdad" is two).
_INSIDE_WORDS = frozenset("\u00ad\u200c\u200d\u2060\ufeff")
_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc`´']")
_NON_WORD = re.compile(r"[^\w]+")
_REPEATS = re.compile(r"([^\W\d])\1{2,}")
_DIGIT_ALPHA = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_ASCII_DIGIT = re.compile(r"[0-9]")
_ASCII_TRIPLE = re.compile(r"([a-z])\1\1")

# Function words and fillers that say nothing about which entry is meant; single
# letters too ("The A-Z of Vitamins", "zzzz" squeezed to "z").
STOP_WORDS = frozenset(
    """
    a about above after again against all almost already also am an and any anyone
    anything are arent as at be because been before being below between both but by
    can cant could couldnt did didnt do does doesnt doing dont down during each few
    for from further get gets getting got had hadnt has hasnt have havent having he
    her here hers herself him himself his how however i id if ill im in into is isnt
    it its itself ive just keep keeps kept know lately let lets like lot lots me
    might mine more most much must my myself need needs no nor not now of off on
    once only or our ours ourselves out over own pls plz please quite really right
    same say she should shouldnt so some someone something sometimes still such tell
    than that thats the their theirs them themselves then there these they thing
    things think this those through to too u ur under until up us very want wanna
    was wasnt we were werent what whats when where which while who whom why will
    with wont would wouldnt ya yall you your youre yours yourself hi hello hey hiya
    thanks thank thx ok okay yes yeah yep um uh hmm lol pls bot question ask asking
    guys anybody somebody bit kinda sorta maybe actually always ever even since
    today currently recently constantly randomly suddenly also often via said says
    heard hear read reading friend friends someone people ppl person
    true actually myth real really idea stuff thingy
    lol lmao omg pls plz srsly tbh idk btw rn super like literally basically
    honestly probably possibly maybe perhaps kind sort way anyone without asking
    start started starting try trying tried little bit go going gonna wanna gotta
    came come coming back now still again keep on off like one ones something
    anything everything whats hows wheres whos explain tell mean means meaning
    normal wondering wonder curious question quick
    hw wat wht wot shud shld cud wud r n cuz coz bc abt rly tho thru smth sth w
    dat dis da yo gimme lemme tryna pleaseee plss sm tbh ngl fr good best make contain contains containing
    makes made making help helps helped helping helpful
    highest biggest greatest largest top main specific specifically certain particular exactly
    b c d e f g h j k l m o p q s t v x y z
    """.split()
)


def _char_by_char(text: str) -> str:
    """Invisible characters, case, apostrophes and punctuation: each character
    on its own (NFKC first, which may merge or split characters)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        "" if ch in _INSIDE_WORDS else " " if unicodedata.category(ch) in _INVISIBLE else ch
        for ch in text
    )
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_WORD.sub(" ", text).replace("_", " ")


# _char_by_char for each ASCII character (NFKC leaves plain ASCII as it is), so
# that a message in plain ASCII takes one str.translate.
_ASCII_TABLE = str.maketrans({chr(i): _char_by_char(chr(i)) for i in range(128)})


@lru_cache(maxsize=256)
def normalize(text: str, limit: int = MAX_READ_CHARS) -> str:
    """Lowercase words separated by single spaces; no punctuation, emoji or
    control characters; apostrophes dropped (can't -> cant); digits split
    from letters (400mg -> 400 mg); letters repeated for emphasis squeezed.
    Recent texts are remembered: a message and its sentences are read by the
    emergency check, the small talk and the matcher."""
    text = text[: limit * 2]
    if text.isascii():
        # Now only lowercase letters, digits and spaces: each regular expression
        # below runs only if a quick search finds something it would change.
        text = text.translate(_ASCII_TABLE)
        if _ASCII_DIGIT.search(text):
            text = _DIGIT_ALPHA.sub(" ", text)
        if _ASCII_TRIPLE.search(text):
            text = _REPEATS.sub(r"\1", text)
    else:
        text = _DIGIT_ALPHA.sub(" ", _char_by_char(text))
        text = _REPEATS.sub(r"\1", text)  # "heyyy" -> "hey", "stoppp" -> "stop"
    return " ".join(text.split())[:limit].strip()


def words(text: str, limit: int = MAX_READ_CHARS) -> list[str]:
    return normalize(text, limit).split()


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem, so that absorbed / absorbable / absorb meet."""
    if len(word) <= 3 or word.isdigit():
        return word
    result: str = _STEMMER.stemWord(word)
    return result


def allowed_typos(length: int) -> int:
    """How many edits (a swap counts as one) a word of this length may carry."""
    if length >= 8:
        return 2
    if length >= 5:
        return 1
    return 0


class Lexicon:
    """Maps what people type to the words the entries use: synonyms and lay
    phrases (longest phrase first), then stemming."""

    def __init__(self, synonyms: Mapping[str, Iterable[str]]) -> None:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canon, variants in synonyms.items():
            target = tuple(stem(w) for w in words(canon))
            for variant in (canon, *variants):
                key = tuple(words(variant))
                if key:
                    table[key] = target
        self._table = table
        first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(table, key=lambda k: (-len(k), k)):
            first.setdefault(key[0], []).append(key)
        self._by_first = first

    def canonical(self, tokens: Sequence[str]) -> list[str]:
        """Replace synonym phrases (the longest beginning at each word first),
        then stem what is left, or map the stem if it is a synonym. Stop words
        stay."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for key in self._by_first.get(tokens[i], ()):
                if tuple(tokens[i : i + len(key)]) == key:
                    out.extend(self._table[key])
                    i += len(key)
                    break
            else:
                token = tokens[i]
                stemmed = token if token in STOP_WORDS else stem(token)
                out.extend(self._table.get((stemmed,)) or (stemmed,))
                i += 1
        return out

    @property
    def raw_words(self) -> set[str]:
        """Every word the synonym table knows, as people type it."""
        return {w for key in self._table for w in key}

    def content_words(self, text: str, fix: Callable[[str], str] | None = None) -> list[str]:
        """Canonical words of a text without stop words, in order, no repeats.
        `fix` may first correct each typed word (spelling slips)."""
        raw = words(text)
        if fix is not None:
            raw = [fix(w) for w in raw]
        seen: dict[str, None] = {}
        for w in self.canonical(raw):
            if w not in STOP_WORDS and w not in seen:
                seen[w] = None
        return list(seen)
