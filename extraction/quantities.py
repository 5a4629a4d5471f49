"""Figures: cardinal numbers with their unit phrase, qualifier and bounds.

One left-to-right pass over the Doc's tokens. Vague amounts ("thousands of refugees") are
returned with qualifier "vague" and a lower bound only; they do not make a sentence a claim
and `bench/eval.py` leaves them out, as the annotation rules (§5) do not count them.
"""

from __future__ import annotations

import math
import re

from spacy.tokens import Doc, Token

from .types import Quantity

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}  # fmt: skip
# Plural scale words are vague amounts: "hundreds of migrants", "dozens of rockets".
_VAGUE = {"dozens": 12, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
          "billions": 1_000_000_000, "scores": 20, "tens": 10}  # fmt: skip
_MAX_VALUE = 1e15  # beyond any count or sum in the news (a quadrillion)
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")

# Qualifiers, read right to left before the number. Bounds: "at least 20" -> low=20.
_QUALIFIERS: tuple[tuple[tuple[str, ...], str, bool, str | None], ...] = (
    (("at", "least"), "at least", False, "low"),
    (("more", "than"), "more than", False, "low"),
    (("over",), "over", False, "low"),
    (("upwards", "of"), "upwards of", False, "low"),
    (("at", "most"), "at most", False, "high"),
    (("up", "to"), "up to", False, "high"),
    (("as", "many", "as"), "as many as", False, "high"),
    (("fewer", "than"), "fewer than", False, "high"),
    (("less", "than"), "less than", False, "high"),
    (("nearly",), "nearly", True, "high"),
    (("almost",), "almost", True, "high"),
    (("about",), "about", True, None),
    (("around",), "around", True, None),
    (("approximately",), "approximately", True, None),
    (("roughly",), "roughly", True, None),
    (("some",), "some", True, None),
    (("an", "estimated"), "an estimated", True, None),
    (("estimated",), "estimated", True, None),
    (("close", "to"), "close to", True, None),
    (("just", "under"), "just under", True, "high"),
    (("just", "over"), "just over", True, "low"),
)

# "9 p.m.", "0600 GMT": clock times are not figures.
_CLOCK_NEXT = frozenset("a.m. p.m. am pm a.m p.m gmt utc o'clock hrs".split())
# "Resolution 2334", "Flight 17", "Article 5": a capitalised designator noun before a number
# names a thing instead of counting it.
_DESIGNATOR_NOUNS = frozenset(
    """resolution article flight route highway chapter section phase level category grade
    number no no. unit brigade battalion division regiment district block gate road
    platform line room bus train""".split()
)
_TIME_UNITS = frozenset(
    "day days week weeks month months year years hour hours minute minutes night nights".split()
)
_CURRENCY_SYMBOLS = {"$": "$", "€": "€", "£": "£", "¥": "¥", "₽": "₽"}
_PERCENT = frozenset({"%", "percent", "per cent", "pct"})


def _word_value(tok: Token) -> float | None:
    low = tok.lower_
    if low in _UNITS:
        return float(_UNITS[low])
    text = tok.text
    if text[:1].isdigit() and _DIGITS.match(text):
        return float(text.replace(",", ""))
    return None


def _is_year(tok: Token, value: float) -> bool:
    # "in 2014", "the 2014 revolution", "since 1991": four-digit numbers in the year range are
    # years unless they count a plural noun ("2000 troops").
    if "," in tok.text or "." in tok.text or not (1800 <= value <= 2100) or len(tok.text) != 4:
        return False
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return not (nxt is not None and nxt.tag_ == "NNS")


def _unit_phrase(first: Token, last: Token) -> str:
    """The counted thing: the number's nominal head with the words between them."""
    doc = first.doc
    if last.i + 2 < len(doc) and doc[last.i + 1].text == "-" and not doc[last.i + 1].whitespace_:
        # "a two-week curfew", "the ten-year blockade": the compound's noun and its head.
        unit_tok = doc[last.i + 2]
        head_tok = unit_tok.head if unit_tok.head.i > unit_tok.i else unit_tok
        return doc[unit_tok.i : head_tok.i + 1].text
    if (
        last.i + 2 < len(doc)
        and doc[last.i + 1].lower_ == "of"
        and (doc[last.i + 2].like_num or _word_value(doc[last.i + 2]) is not None)
    ):
        # "23 of 31 drones": both count drones.
        return _unit_phrase(doc[last.i + 2], doc[last.i + 2])
    head = last.head if last.dep_ in ("nummod", "quantmod", "compound", "amod") else None
    if (
        head is not None
        and head.i > last.i
        and head.i - last.i <= 6
        and head.pos_
        in (
            "NOUN",
            "PROPN",
        )
    ):
        return doc[last.i + 1 : head.i + 1].text
    # "two others injured", "four of its drones": take the next noun within a few tokens.
    for tok in doc[last.i + 1 : min(len(doc), last.i + 4)]:
        if tok.pos_ in ("NOUN", "PROPN"):
            return doc[last.i + 1 : tok.i + 1].text
        if tok.pos_ in ("VERB", "AUX", "PUNCT", "ADP") and tok.lower_ != "of":
            break
    if last.dep_ in ("nsubj", "nsubjpass") and last.head.pos_ == "VERB":
        return f"({last.head.text})"
    return ""


def _qualifier(doc: Doc, start: int) -> tuple[int, str | None, bool, str | None]:
    """Qualifier words right before token `start`: (new start, qualifier, approximate, bound)."""
    before = tuple(doc[k].lower_ for k in range(max(0, start - 3), start))
    for words, label, approx, bound in _QUALIFIERS:
        n = len(words)
        if n <= len(before) and before[len(before) - n :] == words:
            return start - n, label, approx, bound
    return start, None, False, None


def _one_is_count(tok: Token) -> bool:
    """ "one" counts only as a count, not as an indefinite or a partitive.

    "One medic was detained", "declared one week of curfew" count; "one of the raids",
    "at one time", "one tank fired while another fled" do not.
    """
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    prev = doc[tok.i - 1] if tok.i > 0 else None
    if nxt is None or nxt.lower_ in ("of", "another", "point", "side", "way", "hand", "-"):
        return False
    if prev is not None and prev.lower_ in ("no", "the", "any", "every", "each", "this", "that"):
        return False
    if nxt.lower_ in _TIME_UNITS:
        return True
    if tok.is_sent_start or (prev is not None and prev.is_punct and prev.text in "\"“'"):
        return nxt.pos_ in ("NOUN", "ADJ", "PROPN")
    # Object of a verb ("killed one civilian", "declared one week") counts; the speaker after
    # a quote ("..., said one resident") does not.
    return (
        prev is not None
        and prev.pos_ == "VERB"
        and prev.lemma_ not in ("say", "tell", "add", "write", "recall")
        and nxt.pos_ in ("NOUN", "ADJ")
    )


# The words that can open a figure, besides digits: a vague amount, a number word, or "a"/"an"
# before a scale word ("a dozen").
_FIGURE_WORDS = frozenset(_VAGUE) | frozenset(_UNITS) | {"a", "an", "half"}


def find_quantities(doc: Doc, skip_chars: list[tuple[int, int]]) -> list[Quantity]:
    """All figures in `doc`, in text order. `skip_chars` are date spans ("November 7")."""
    out: list[Quantity] = []
    n = len(doc)
    # Read once: most tokens can start no figure and are passed over on their lower-case form
    # alone, without a Token object built for each.
    lowers = [t.lower_ for t in doc]
    i = 0
    skip_idx = 0
    while i < n:
        low = lowers[i]
        if low not in _FIGURE_WORDS and not low[:1].isdigit():
            i += 1
            continue
        tok = doc[i]
        while skip_idx < len(skip_chars) and skip_chars[skip_idx][1] <= tok.idx:
            skip_idx += 1
        if skip_idx < len(skip_chars) and skip_chars[skip_idx][0] <= tok.idx:
            i += 1
            continue
        if low in _VAGUE and not (i > 0 and _word_value(doc[i - 1]) is not None):
            nxt = doc[i + 1] if i + 1 < n else None
            if nxt is not None and nxt.lower_ == "of":
                value = float(_VAGUE[low])
                last = tok
                # "tens of thousands of people", "hundreds of millions": one vague amount.
                if i + 3 < n and doc[i + 2].lower_ in _VAGUE and doc[i + 3].lower_ == "of":
                    value *= _VAGUE[doc[i + 2].lower_]
                    last = doc[i + 2]
                    nxt = doc[i + 3]
                out.append(
                    Quantity(
                        value=value, text=doc[i : last.i + 1].text,
                        unit=_unit_phrase(last, nxt), start=tok.idx,
                        end=last.idx + len(last.text), approximate=True, qualifier="vague",
                        low=value,
                    )
                )  # fmt: skip
                i = last.i + 1
                continue
            i += 1
            continue
        first_value = _word_value(tok)
        if first_value is None and not (
            low in ("a", "an", "half")
            and i + 1 < n
            and doc[i + 1].lower_
            in ("hundred", "thousand", "million", "billion", "dozen", "a", "an")
        ):
            i += 1
            continue
        read, j = _read_number(doc, i)
        if read is None:
            i += 1
            continue
        value = read
        first, last = doc[i], doc[j - 1]
        if not math.isfinite(value) or value > _MAX_VALUE:
            # "1" followed by hundreds of ",000" groups: no figure a report can state, and an
            # infinite float breaks every JSON consumer downstream.
            i = j
            continue
        if _excluded(doc, i, j, value):
            i = j
            continue
        money = i > 0 and doc[i - 1].text in _CURRENCY_SYMBOLS
        # "up to $500 million": the qualifier stands before the currency symbol
        start_i, qualifier, approx, bound = _qualifier(doc, i - 1 if money else i)
        unit = _unit_phrase(first, last)
        # "$5 million", "20 percent": money keeps its symbol, percentages start with "%".
        if i > 0 and doc[i - 1].text in _CURRENCY_SYMBOLS:
            unit = f"{doc[i - 1].text} {unit}".strip()
            start_i = min(start_i, i - 1)
        elif j < n and doc[j].lower_ in _PERCENT:
            unit = "%" + (" " + unit if unit and unit != doc[j].text else "")
        lo = value if bound == "low" else None
        hi = value if bound == "high" else None
        # Ranges: "between 3,000 and 5,000", "3,000 to 5,000", "3,000-5,000".
        if (
            j + 1 < n
            and doc[j].lower_ in ("to", "-", "–", "and")
            and (doc[j].lower_ != "and" or (start_i > 0 and doc[start_i - 1].lower_ == "between"))
        ):
            hi_value, k = _read_number(doc, j + 1)
            if hi_value is not None and hi_value > value and not _excluded(doc, j + 1, k, hi_value):
                lo, hi = value, hi_value
                if start_i > 0 and doc[start_i - 1].lower_ == "between":
                    start_i -= 1
                unit = _unit_phrase(doc[j + 1], doc[k - 1])
                j = k
                approx = approx or False
        span = doc[start_i:j]
        out.append(
            Quantity(
                value=value, text=span.text, unit=unit, start=span.start_char,
                end=span.end_char, approximate=approx, qualifier=qualifier, low=lo, high=hi,
            )
        )  # fmt: skip
        i = j
    return out


def _read_number(doc: Doc, i: int) -> tuple[float | None, int]:
    """Read a number starting at token i ("5,000", "five thousand", "twenty-five",
    "1.5 million", "a dozen"); return (value, index after it)."""
    n = len(doc)
    tok = doc[i]
    j = i
    value: float | None
    if tok.lower_ == "half":
        # "more than half a million": half of the scale that follows, nothing else
        if i + 2 < n and doc[i + 1].lower_ in ("a", "an") and doc[i + 2].lower_ in _SCALES:
            return 0.5 * _SCALES[doc[i + 2].lower_], i + 3
        return None, i
    if tok.lower_ in ("a", "an"):
        value, j = 1.0, i + 1
    else:
        value = _word_value(tok)
        if value is None:
            return None, i
        j = i + 1
        # "twenty-five"
        if (
            tok.lower_ in _UNITS
            and value >= 20
            and j + 1 < n
            and doc[j].text == "-"
            and doc[j + 1].lower_ in _UNITS
            and _UNITS[doc[j + 1].lower_] < 10
            and not doc[j].whitespace_
        ):
            value += _UNITS[doc[j + 1].lower_]
            j += 2
    while j < n and doc[j].lower_ in _SCALES or (j < n and doc[j].lower_ == "dozen"):
        scale = 12 if doc[j].lower_ == "dozen" else _SCALES[doc[j].lower_]
        value = value * scale if value is not None else float(scale)
        j += 1
        # "two hundred fifty", "five thousand two hundred"
        if j < n and doc[j].lower_ in _UNITS and doc[j].lower_ not in ("dozen",):
            nxt_val, k = _read_number(doc, j)
            if nxt_val is not None and nxt_val < scale:
                value += nxt_val
                j = k
    if tok.lower_ in ("a", "an") and j == i + 1:
        return None, i
    return value, j


def _excluded(doc: Doc, i: int, j: int, value: float) -> bool:
    tok = doc[i]
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[j] if j < len(doc) else None
    # Ordinals are ranks; a TIME entity is excluded only as a clock time (below), since
    # "in the past 24 hours" counts hours like "a three-day truce" counts days.
    if tok.ent_type_ == "ORDINAL" and not (nxt is not None and nxt.text == "-"):
        return True
    if _is_year(tok, value):
        return True
    if nxt is not None and (nxt.lower_ in _CLOCK_NEXT or nxt.text in (":",)):
        return True
    if ":" in tok.text:
        return True
    # "B-10", "Su-24": a letter code glued to the number by a hyphen is a designator.
    if (
        prev is not None
        and prev.text == "-"
        and not prev.whitespace_
        and i >= 2
        and not doc[i - 2].whitespace_
        and doc[i - 2].text.isupper()
    ):
        return True
    if (
        prev is not None
        and prev.is_title
        and prev.lower_ in _DESIGNATOR_NOUNS
        and (nxt is None or nxt.pos_ not in ("NOUN",))
    ):
        return True
    # "a magnitude 6.8 earthquake", "a 5.2-magnitude quake": a measure, not a count.
    if (prev is not None and prev.lower_ == "magnitude") or (
        nxt is not None and (nxt.lower_ == "magnitude" or (
            nxt.text == "-" and j + 1 < len(doc) and doc[j + 1].lower_ == "magnitude"))
    ):  # fmt: skip
        return True
    if tok.lower_ == "one" and j == i + 1 and not _one_is_count(tok):
        return True
    # "one another", "the two of them" are fine; "No. 5" handled above.
    return False
