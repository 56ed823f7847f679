"""Vietnamese text helpers shared by every app: search folding and collation."""

import functools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

# Unicode decomposition strips the tone marks but leaves đ/Đ, which are letters of their own.
# Ð/ð (U+00D0/U+00F0) stand in for them in text converted from legacy encodings.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(text: str | None) -> str:
    """Lower-case and strip diacritics, so "VĨNH HẢO", "Vĩnh Hảo" and "vinh hao" match."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


# The Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
# Letters with a breve, circumflex or horn are letters of their own; the five tone marks only
# decide between otherwise equal words.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letters(text: str):
    for base in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(base):
            yield None, base
        else:
            yield base, None


def _spelled_key(text: str) -> tuple:
    """`vi_sort_key` spelled out mark by mark: for text whose combining marks do not all
    compose into single characters (the fast path reads one character at a time)."""
    letters: list[list] = []
    tones: list[int] = []
    for base, mark in _letters(text):
        if base is not None:
            letters.append([base])
            tones.append(0)
        elif letters:
            if mark in _LETTER_MARKS:
                letters[-1].append(mark)
            elif mark in _TONES:
                tones[-1] = _TONES[mark]
    primary = []
    for parts in letters:
        letter = unicodedata.normalize("NFC", "".join(parts))
        primary.append((_LETTER_RANK.get(letter, 100 + ord(letter[0])), letter))
    return (tuple(primary), tuple(tones))


_CHARACTER_KEYS: dict[str, tuple | None] = {}


def _character_key(character: str) -> tuple | None:
    """((rank, letter), tone) of one lower-case NFC character, None for a combining mark."""
    try:
        return _CHARACTER_KEYS[character]
    except KeyError:
        pass
    primary, tones = _spelled_key(character)
    # A combining mark, or a character that is more than one letter (a Hangul syllable): the
    # text is spelled out whole.
    key = (
        (primary[0], tones[0])
        if len(primary) == 1 and not unicodedata.combining(character)
        else None
    )
    _CHARACTER_KEYS[character] = key
    return key


# Names whose keys a process keeps (about 1 kB each): the confederation's honour rolls sort
# the names of its 740 organisers on every request of the register (30 µs a name).
SORT_KEYS_KEPT = 8192


@functools.lru_cache(maxsize=SORT_KEYS_KEPT)
def vi_sort_key(text: str | None) -> tuple:
    """A key that sorts names as a Vietnamese reader expects (Đ after D, not after Z).

    Read one composed character at a time, each character's key remembered: a federation's
    lists sort thousands of names per page. The key of a name is the same for ever, so the
    keys of the names sorted last are kept (`SORT_KEYS_KEPT`), each an immutable tuple."""
    if not text:
        return ((), ())
    known = _CHARACTER_KEYS.get
    keys = [
        known(character) or _character_key(character)
        for character in unicodedata.normalize("NFC", text.lower())
    ]
    if None in keys:
        return _spelled_key(text)
    primary, tones = zip(*keys, strict=True)
    return (primary, tones)


def format_number(value, places: int | None = None) -> str:
    """A figure in the active language's format, grouped (Vietnamese: 127.000; 95,5), with
    no trailing zeros unless `places` is given. Blank for None."""
    return _figure(value, places, get_language())


def number_formatter(places: int | None = None):
    """`format_number` with the active language read once: for a page's thousand figures
    (the fairness view's gaps), each of which asked the language again."""
    language = get_language()
    return lambda value: _figure(value, places, language)


def _figure(value, places: int | None, language: str | None) -> str:
    if value is None:
        return ""
    try:
        return _formatted(value, places, language)
    except TypeError:  # a value that cannot be kept (unhashable)
        return _format_number(value, places, language)


# Figures whose text a process keeps, per language: the text of a figure depends on its value,
# the places and the language's formats only, and a page of totals prints the same figures
# again and again (the fairness view: 1,500 a page).
FIGURES_KEPT = 4096


@functools.lru_cache(maxsize=FIGURES_KEPT)
def _formatted(value, places: int | None, language: str | None) -> str:
    return _format_number(value, places, language)


def _format_number(value, places: int | None, language: str | None) -> str:
    if places is None:
        value = Decimal(value)
        places = (
            0 if value == value.to_integral() else max(0, -value.normalize().as_tuple().exponent)
        )
    else:
        # Django's number_format cuts the digits off; round half up first (14,2857 → 14,3).
        value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    separators = _separators(language)
    if separators is None or not value.is_finite() or abs(value.adjusted()) > 100:
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    # What Django's number_format gives for a value with `places` digits already (no digit
    # to cut), grouped by three: Python's own grouping with the language's separators – a
    # fifth of the time, for the grids and reports that print thousands of figures a page.
    if not value:
        value = abs(value)  # no "-0": Django's gives 0
    return f"{value:,.{places}f}".translate(separators)


_SEPARATORS: dict[str | None, dict | None] = {}


@receiver(setting_changed)
def _forget_separators(*, setting, **kwargs):
    if setting in {"FORMAT_MODULE_PATH", "LANGUAGE_CODE"} or setting.endswith(
        ("_SEPARATOR", "NUMBER_GROUPING")
    ):
        _SEPARATORS.clear()
        _formatted.cache_clear()


def _separators(language: str | None) -> dict | None:
    """Python's "," and "." as `language` writes them (a table for `str.translate`) when it
    groups digits by three, else None (Django's number_format is asked)."""
    try:
        return _SEPARATORS[language]
    except KeyError:
        pass
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    found = (
        {
            ord("."): str(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
            ord(","): str(get_format("THOUSAND_SEPARATOR", language, use_l10n=True)),
        }
        if grouping == 3
        else None
    )
    _SEPARATORS[language] = found
    return found
