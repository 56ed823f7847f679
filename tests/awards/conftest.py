"""A closed review of the bt-1 shape with its two nominations (the flag to Tuy Phong, the
certificate to Phan Thiết) and a proposal ready to submit – the starting point of the
approval tests."""

import datetime

import pytest

from awards.models import AwardRule, AwardType, RuleScope, VoteMode
from awards.services.approval import save_proposal
from awards.services.votes import nominate_chosen, record_secret_ballot, start_vote
from clusters.services.meetings import adopt_summary, close_meeting, elect, save_attendance
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401

D = datetime.date

ALL = [
    "ldld-bac-binh",
    "ldld-tuy-phong",
    "ldld-ham-thuan-bac",
    "ldld-phu-quy",
    "ldld-tp-phan-thiet",
]


@pytest.fixture
def approval(review):  # noqa: F811
    """`review` held and closed: w.flag_nomination, w.certificate_nomination (proposed), a
    third form (w.giay_khen) for downgrades, an organiser-wide quota of one flag, and the
    proposal's number, date and signer filled in."""
    w = review
    save_attendance(w.meeting, {w.units[c].pk: {"present": True} for c in ALL}, by=w.head)
    adopt_summary(
        w.meeting,
        achievements="Hoàn thành các chỉ tiêu.",
        limitations="Một số chỉ tiêu chưa đạt.",
        directions="Tiếp tục đẩy mạnh phong trào thi đua.",
        by=w.head,
    )
    flag = start_vote(
        w.meeting,
        award_type=w.flag,
        mode=VoteMode.SECRET,
        candidates=[w.units["ldld-tuy-phong"]],
        by=w.head,
    )
    record_secret_ballot(
        flag, issued=5, returned=5, valid=5, counts={w.units["ldld-tuy-phong"].pk: 4}, by=w.head
    )
    certificate = start_vote(
        w.meeting,
        award_type=w.certificate,
        mode=VoteMode.SECRET,
        candidates=[w.units["ldld-tp-phan-thiet"], w.units["ldld-bac-binh"]],
        by=w.head,
    )
    record_secret_ballot(
        certificate,
        issued=5,
        returned=5,
        valid=5,
        counts={w.units["ldld-tp-phan-thiet"].pk: 4, w.units["ldld-bac-binh"].pk: 1},
        by=w.head,
    )
    (w.flag_nomination,), _ = nominate_chosen(w.meeting, w.flag, by=w.head)
    (w.certificate_nomination,), _ = nominate_chosen(w.meeting, w.certificate, by=w.head)
    elect(
        w.meeting,
        head=w.units["ldld-tuy-phong"],
        deputy=w.units["ldld-ham-thuan-bac"],
        handover_on=D(2024, 12, 14),
        by=w.head,
    )
    close_meeting(w.meeting, by=w.head)
    w.cluster_year.refresh_from_db()
    w.giay_khen = AwardType.objects.create(
        organizer=w.province,
        name="Giấy khen của Liên đoàn Lao động tỉnh",
        short_name="Giấy khen",
        kind="giay_khen",
        order=3,
    )
    AwardRule.objects.create(
        organizer=w.province,
        year=2024,
        award_type=w.flag,
        scope=RuleScope.ORGANIZER,
        max_count=1,
        blocking=True,
        regulation="QĐ 999/QĐ-TLĐ",
    )
    save_proposal(
        w.cluster_year,
        by=w.head,
        number="05/TTr-CTĐ",
        issued_on=D(2024, 12, 16),
        place="Bắc Bình",
        signer="Nguyễn Văn An",
    )
    return w
