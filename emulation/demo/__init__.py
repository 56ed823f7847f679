"""The demo data: the events of the three articles in shared/seeds, on the dated structure.

Facts the articles do not give are invented but consistent with them; every person is
fictional. Each object is looked up by its natural key and created only when missing, so a
second run writes nothing.

One module per article – `binh_thuan` (binh-thuan-1), `soc_trang` (soc-trang-2), `phan_thiet`
(the nine Phan Thiết clusters and their briefing), `lam_dong` (lam-dong-1) – on the shared
pieces: `base` (get-or-create, dates, password), `structure` (the organisations before 2025,
the 2025 restructuring, the users), `results`, `pacts` and `reviews` (how a result, a pact, a
review and a proposal are seeded). `seed_demo` runs them stage by stage, every article in turn
within a stage, in the order the objects were always created.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone, translation

from . import binh_thuan, lam_dong, phan_thiet, soc_trang
from .base import Stats
from .binh_thuan import BT1_2024_APPROVAL
from .lam_dong import seed_after_2025
from .phan_thiet import seed_briefings
from .reviews import seed_approval
from .soc_trang import ST2_2018_APPROVAL
from .structure import restructure_2025, seed_provinces, seed_users


def seed_demo(today: datetime.date | None = None) -> int:
    """Load the demo; returns how many records it created (0 on a second run)."""
    today = today or timezone.localdate()
    stats = Stats()
    with transaction.atomic():
        seed_before_2025(stats)
    with transaction.atomic():
        restructure_2025(stats)
    with transaction.atomic():
        seed_after_2025(stats, today)
        seed_users(stats)
    # The results' history keeps the workflow's reasons in the demo's language.
    with transaction.atomic(), translation.override("vi"):
        seed_results(stats, today)
    with transaction.atomic():
        seed_briefings(stats, today)
    # The reviews of binh-thuan-1 2024 and soc-trang-2 2018: their texts and history in Vietnamese.
    with transaction.atomic(), translation.override("vi"):
        seed_meetings(stats, today)
    # Last: the pact of binh-thuan-1 2025 points to the 2024 review meeting when it is seeded.
    with transaction.atomic(), translation.override("vi"):
        seed_pacts(stats, today)
    with transaction.atomic(), translation.override("vi"):
        seed_approvals(stats, today)
    return stats.created


def seed_before_2025(stats: Stats):
    """The structure as it was before the 2025 restructuring, with the articles' events."""
    provinces = seed_provinces(stats)
    districts = binh_thuan.seed_before_2025(stats, provinces["ldld-binh-thuan"])
    soc_trang.seed_before_2025(stats, provinces["ldld-soc-trang"])
    phan_thiet.seed_before_2025(stats, districts["ldld-tp-phan-thiet"])


def seed_results(stats: Stats, today: datetime.date):
    """Programmes and results: binh-thuan-1 2024 and soc-trang-2 2018 complete and locked
    (Tuy Phong and TP Sóc Trăng first), lam-dong-1 of the current year partly entered."""
    binh_thuan.seed_program(stats)
    soc_trang.seed_program(stats)
    this_year = lam_dong.seed_program(stats, today)
    binh_thuan.seed_results(stats)
    soc_trang.seed_results(stats)
    lam_dong.seed_results(stats, today, this_year)


def seed_meetings(stats: Stats, today: datetime.date):
    """The year-end reviews of the articles: binh-thuan-1 2024 (secret ballot: the flag to
    Tuy Phong, the certificate to Phan Thiết) and soc-trang-2 2018 (open vote: the leading
    flag to TP Sóc Trăng, excellent flags to Y tế and Kế Sách). Skipped when held already."""
    binh_thuan_awards = binh_thuan.seed_province_awards(stats)
    soc_trang_awards = soc_trang.seed_province_awards(stats)
    # Lâm Đồng's forms and quotas of this year, so that lam-dong-1's review can be run.
    lam_dong.seed_province_awards(stats, today)
    binh_thuan.seed_meetings(stats, binh_thuan_awards)
    soc_trang.seed_meetings(stats, soc_trang_awards)


def seed_pacts(stats: Stats, today: datetime.date):
    """The pacts: binh-thuan-1 2025, signed at the review of 14/12/2024 in Bắc Bình, and
    lam-dong-1 of the current year, whose targets are its members' result targets."""
    binh_thuan.seed_pacts(stats)
    lam_dong.seed_pacts(stats, today)


# The submissions of the two reviews (numbers, dates and signers invented), and the province's
# decision on binh-thuan-1 2024. The Sóc Trăng proposal is left as the article leaves it:
# submitted to the provincial council, waiting for its decision.
APPROVALS = [BT1_2024_APPROVAL, ST2_2018_APPROVAL]


def seed_approvals(stats: Stats, today: datetime.date):
    """Submit the reviews' proposals through the approval services; decide binh-thuan-1's
    and publish the province's honour roll of 2024. Skipped once a proposal exists."""
    for code, year, fields, decision in APPROVALS:
        seed_approval(stats, code, year, fields, decision)
