"""The administrative format (Nghị định 30/2020/NĐ-CP) as far as it needs no app: how the
header blocks, the number, the counts and the signature lines of every document are written.

The data objects (`AdminHeader`, `Signature`) are in base.py; the apps fill them from their
records (for a cluster-year: clusters.documents.admin_format).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .base import AdminHeader, Signature

# A blank number to be written in by hand, as the clerk does before signing.
BLANK_NUMBER = "\u00a0" * 8


def count_text(count: int) -> str:
    """ "01", "12": how the papers write a count of units."""
    return f"{count:02d}"


def summary_number(typed: str, kind_suffix: str) -> str:
    """The number the clerk typed, written as the format wants it: "12" → "12/BC-CTĐ",
    "5" → "05/BC-CTĐ"; a number typed in full ("12/BC-CTĐ") stays as typed; blank stays
    blank (written in by hand)."""
    typed = " ".join(typed.split())
    # "Số: 12/BC-CTĐ" typed as the paper shows it: the header writes "Số:" itself.
    if typed[:3].casefold() == "số:":
        typed = typed[3:].strip()
    if not typed:
        return ""
    if "/" in typed:
        return typed
    if typed.isdigit():
        typed = f"{int(typed):02d}"
    return f"{typed}/{kind_suffix}"


def admin_header(
    *, parent_name: str, issuer_name: str, place: str, date: datetime.date, number: str = ""
) -> AdminHeader:
    """The two header blocks: the body above and the issuing body, both in capitals."""
    return AdminHeader(
        parent_line=parent_name.upper(),
        issuer_line=issuer_name.upper(),
        place=place,
        date=date,
        number=number,
    )


def emulation_group_signature(*, bloc: bool, signer_label: str, name: str) -> Signature:
    """A cluster's (or bloc's) head signs on its behalf: "TM. CỤM THI ĐUA" over "CỤM
    TRƯỞNG" unless the cluster calls its signer otherwise."""
    group = _("BLOC") if bloc else _("CLUSTER")
    return Signature(
        on_behalf=_("ON BEHALF OF THE EMULATION %(group)s") % {"group": group},
        title=(signer_label or _("CLUSTER HEAD")).upper(),
        name=name,
    )


def abbreviated(name: str) -> str:
    """The parent body as the header prints it: "LĐLĐ TỈNH BÌNH THUẬN", "TỔNG LĐLĐ VIỆT
    NAM"."""
    return name.replace("Liên đoàn Lao động", "LĐLĐ")


# A unit's name breaks best before the word of its locality ("HUYỆN TUY PHONG").
_BREAK_BEFORE = {"HUYỆN", "QUẬN", "THỊ", "THÀNH", "TỈNH", "XÃ", "PHƯỜNG", "ĐẶC"}


def balanced_lines(text: str, width: int = 30) -> list[str]:
    """A long signature line broken in two ("TM. LIÊN ĐOÀN LAO ĐỘNG" / "HUYỆN TUY PHONG"):
    before the locality's word when there is one, else where the halves are most equal."""
    words = text.split()
    if len(text) <= width or len(words) < 2:
        return [text]
    positions = [i for i in range(2, len(words)) if words[i] in _BREAK_BEFORE]
    positions = positions or list(range(1, len(words)))
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in positions]
    return list(min(splits, key=lambda pair: max(len(pair[0]), len(pair[1]))))
