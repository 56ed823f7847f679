"""`link(viewname, *args)`: `reverse(viewname, args=args)` for the links a list prints row by
row. Django's `reverse` matches each call against the URL patterns again (20 µs each: 5 ms of
an organisation's page, whose lists print 250 links). Here the URL is reversed once per name,
script prefix and URL configuration, with markers in place of the arguments, and each row's
values are put where the markers stood.

Only values Django would print unchanged take that way – a slug or a number (`[-A-Za-z0-9_]`),
digits alone where the pattern asks for an `int` – so the text is the one `reverse` gives;
anything else (a value `reverse` would quote or refuse) goes through `reverse` itself."""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_PLAIN = re.compile(r"[-A-Za-z0-9_]+")
_DIGITS = re.compile(r"[0-9]+")


def _marker(index: int) -> str:
    # Digits, which every built-in converter (int, slug, str, path) accepts, unlikely to stand
    # anywhere else in a URL.
    return f"90817263{index}54"


@functools.lru_cache(maxsize=256)
def _shape(viewname: str, arity: int, prefix: str, urlconf) -> tuple | None:
    """The URL's text around its arguments, and which arguments must be digits; None when the
    markers do not each stand once, in order (then `reverse` is asked every time)."""
    markers = [_marker(i) for i in range(arity)]
    try:
        url = reverse(viewname, args=markers, urlconf=urlconf)
    except NoReverseMatch:
        return None
    pieces = []
    rest = url
    for marker in markers:
        if rest.count(marker) != 1:
            return None
        before, rest = rest.split(marker)
        pieces.append(before)
    pieces.append(rest)
    digits_only = []
    for index in range(arity):
        # Each kind of character a plain value holds, alone and together: a position takes
        # them all (slug, str, path) or none (int); any other converter takes `reverse`.
        taken = []
        for probe in _PROBES:
            values = [*markers[:index], probe, *markers[index + 1 :]]
            try:
                other = reverse(viewname, args=values, urlconf=urlconf)
            except NoReverseMatch:
                taken.append(False)
                continue
            if other != _join(pieces, values):
                return None  # another pattern of the same name takes it there
            taken.append(True)
        if all(taken):
            digits_only.append(False)
        elif not any(taken):
            digits_only.append(True)
        else:
            return None
    return tuple(pieces), tuple(digits_only)


_PROBES = ("zz", "ZZ", "-", "_", "aZ-_0")


def _join(pieces, values) -> str:
    parts = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts += [value, piece]
    return "".join(parts)


def link(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, the same text, made once per name (see the module)."""
    shape = _shape(viewname, len(args), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if shape is not None:
        pieces, digits_only = shape
        values = [str(value) for value in args]
        if all(
            (_DIGITS if digits else _PLAIN).fullmatch(value)
            for value, digits in zip(values, digits_only, strict=True)
        ):
            return _join(pieces, values)
    return reverse(viewname, args=args)
