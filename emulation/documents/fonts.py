"""The bundled font (static/fonts, Liberation Serif: Times New Roman's metrics): where its files
are, how wide a text prints in it, and how to make it known to cairo.

Layouts that a browser cannot do for us need the width of a text before it is drawn: the SVG
charts wrap the unit names against their bars, and the Word builder gives a line that must not
wrap (the national title) a column wide enough for it in Word and LibreOffice.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import unicodedata
from pathlib import Path

from django.contrib.staticfiles import finders

FAMILY = "Liberation Serif"
FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}


def font_path(bold: bool = False, italic: bool = False) -> Path:
    name = f"fonts/{FILES[bold, italic]}"
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"The bundled font static/{name} is missing")
    return Path(found)


@functools.cache
def _advances(bold: bool, italic: bool) -> tuple[dict[int, float], float]:
    """Each character's advance in ems, and the advance of a character the font lacks."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    font = TTFont(font_path(bold, italic), lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return advances, metrics[".notdef"][0] / per_em


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """The printed width of `text` at `size` (in the size's unit), without kerning: a few
    tenths of a per cent wider than the shaped text, never narrower."""
    advances, missing = _advances(bold, italic)
    text = unicodedata.normalize("NFC", text)
    return size * sum(advances.get(ord(ch), missing) for ch in text)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces; a word longer than the line
    keeps a line of its own (and overflows: callers make room for such a word)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


@functools.cache
def register_with_fontconfig() -> bool:
    """Make the bundled fonts known to fontconfig in this process, so that cairo (cairosvg)
    draws the charts' text in them even where no system font is installed (the slim
    container image). True when fontconfig took every file."""
    library = ctypes.util.find_library("fontconfig")
    if library is None:
        return False
    fontconfig = ctypes.CDLL(library)
    fontconfig.FcConfigAppFontAddFile.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fontconfig.FcConfigAppFontAddFile.restype = ctypes.c_int
    added = [
        fontconfig.FcConfigAppFontAddFile(None, str(font_path(bold, italic)).encode())
        for bold, italic in FILES
    ]
    return all(added)
