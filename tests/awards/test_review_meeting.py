"""The year-end review meeting on the binh-thuan-1 shape: quorum, the vote (self-vote,
ineligible candidates, ties by another round or by the ranking), nominations against the
award rules, the election of next year's head and closing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from awards.models import (
    AwardKind,
    AwardRule,
    AwardType,
    Nomination,
    RuleScope,
    VoteMode,
    VoteStatus,
)
from awards.services.votes import (
    check_rules,
    nominate,
    nominate_chosen,
    record_open_vote,
    record_secret_ballot,
    start_tie_round,
    start_vote,
    tied_candidates,
)
from clusters.models import (
    ClusterYear,
    ClusterYearStatus,
    Level,
    MeetingStatus,
    ResultStatus,
    VoteTieRule,
)
from clusters.services.meetings import (
    adopt_summary,
    close_meeting,
    closing_gaps,
    create_review,
    elect,
    quorum,
    save_attendance,
)
from tests.clusters.test_results import bt1, fill_all  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def review(bt1):  # noqa: F811
    """The results verified (Tuy Phong HTXSNV), the award forms of the province, and the
    review meeting prepared with nobody marked present yet."""
    w = bt1
    w.cluster_year.status = ClusterYearStatus.OPEN
    w.cluster_year.save()
    fill_all(w)
    w.flag = AwardType.objects.create(
        organizer=w.province,
        name="Cờ thi đua của Liên đoàn Lao động tỉnh",
        short_name="Cờ thi đua",
        kind=AwardKind.LEADING_FLAG,
        requires_level=Level.EXCELLENT,
        order=1,
    )
    w.certificate = AwardType.objects.create(
        organizer=w.province,
        name="Bằng khen của Liên đoàn Lao động tỉnh",
        short_name="Bằng khen",
        kind=AwardKind.CERTIFICATE,
        order=2,
    )
    w.meeting = create_review(
        w.cluster_year,
        by=w.head,
        held_on=D(2024, 12, 14),
        place="Hội trường Liên đoàn Lao động huyện Bắc Bình",
        host=w.units["ldld-bac-binh"],
    )
    return w


def attend(w, *codes):
    save_attendance(
        w.meeting,
        {w.units[code].pk: {"present": True} for code in codes},
        by=w.head,
    )


ALL = [
    "ldld-bac-binh",
    "ldld-tuy-phong",
    "ldld-ham-thuan-bac",
    "ldld-phu-quy",
    "ldld-tp-phan-thiet",
]


def test_the_quorum_is_two_thirds_of_the_members(review):
    w = review
    attend(w, *ALL[:3])
    q = quorum(w.meeting)
    assert (q.members, q.present, q.required, q.reached) == (5, 3, 4, False)
    attend(w, ALL[3])
    assert quorum(w.meeting).reached


def test_a_vote_without_quorum_is_refused(review):
    w = review
    attend(w, *ALL[:3])
    with pytest.raises(ValidationError, match="Không đủ số lượng|No quorum"):
        start_vote(
            w.meeting,
            award_type=w.flag,
            mode=VoteMode.SECRET,
            candidates=[w.units["ldld-tuy-phong"]],
            by=w.head,
        )
    assert not w.meeting.votes.exists()


def test_an_ineligible_candidate_is_refused(review):
    w = review
    attend(w, *ALL)
    with pytest.raises(ValidationError) as error:
        start_vote(
            w.meeting,
            award_type=w.flag,
            mode=VoteMode.SECRET,
            # Phan Thiết is HTTNV (capped): a flag requires HTXSNV.
            candidates=[w.units["ldld-tuy-phong"], w.units["ldld-tp-phan-thiet"]],
            by=w.head,
        )
    assert "Phan Thiết" in " ".join(error.value.messages)
    assert not w.meeting.votes.exists()


def test_a_unit_never_votes_for_itself(review):
    w = review
    attend(w, *ALL)
    vote = start_vote(
        w.meeting,
        award_type=w.certificate,
        mode=VoteMode.OPEN,
        candidates=[w.units["ldld-tp-phan-thiet"], w.units["ldld-bac-binh"]],
        by=w.head,
    )
    phan_thiet = w.units["ldld-tp-phan-thiet"].pk
    with pytest.raises(ValidationError, match="itself|chính mình"):
        record_open_vote(vote, {phan_thiet: {phan_thiet}}, by=w.head)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN and not vote.casts.exists()


def test_one_voice_per_unit_and_only_present_members_vote(review):
    w = review
    attend(w, *ALL[:4])  # Phan Thiết absent
    vote = start_vote(
        w.meeting,
        award_type=w.certificate,
        mode=VoteMode.OPEN,
        candidates=[w.units["ldld-phu-quy"], w.units["ldld-bac-binh"]],
        by=w.head,
    )
    tuy_phong = w.units["ldld-tuy-phong"].pk
    with pytest.raises(ValidationError):
        record_open_vote(
            vote,
            {tuy_phong: {w.units["ldld-phu-quy"].pk, w.units["ldld-bac-binh"].pk}},
            by=w.head,
        )
    with pytest.raises(ValidationError):
        record_open_vote(
            vote, {w.units["ldld-tp-phan-thiet"].pk: {w.units["ldld-phu-quy"].pk}}, by=w.head
        )


def test_a_secret_ballot_cannot_give_a_unit_its_own_vote(review):
    w = review
    attend(w, *ALL)
    vote = start_vote(
        w.meeting,
        award_type=w.flag,
        mode=VoteMode.SECRET,
        candidates=[w.units["ldld-tuy-phong"]],
        by=w.head,
    )
    tuy_phong = w.units["ldld-tuy-phong"].pk
    with pytest.raises(ValidationError):  # 5 votes: its own ballot would carry its name
        record_secret_ballot(vote, issued=5, returned=5, valid=5, counts={tuy_phong: 5}, by=w.head)
    with pytest.raises(ValidationError):  # more ballots than units present
        record_secret_ballot(vote, issued=6, returned=5, valid=5, counts={tuy_phong: 4}, by=w.head)
    record_secret_ballot(vote, issued=5, returned=5, valid=5, counts={tuy_phong: 4}, by=w.head)
    assert vote.candidates.get().elected


def test_a_tie_goes_to_another_round_between_the_tied_units(review):
    w = review
    attend(w, *ALL)
    bac_binh, phu_quy = w.units["ldld-bac-binh"], w.units["ldld-phu-quy"]
    vote = start_vote(
        w.meeting,
        award_type=w.certificate,
        mode=VoteMode.SECRET,
        candidates=[bac_binh, phu_quy, w.units["ldld-ham-thuan-bac"]],
        by=w.head,
    )
    record_secret_ballot(
        vote,
        issued=5,
        returned=5,
        valid=5,
        counts={bac_binh.pk: 2, phu_quy.pk: 2, w.units["ldld-ham-thuan-bac"].pk: 1},
        by=w.head,
    )
    assert vote.tie and ("vòng" in vote.tie_resolution or "round" in vote.tie_resolution)
    assert not vote.candidates.filter(elected=True).exists()
    assert {c.organization for c in tied_candidates(vote)} == {bac_binh, phu_quy}
    second = start_tie_round(vote, by=w.head)
    assert second.round == 2
    assert set(second.candidates.values_list("organization", flat=True)) == {
        bac_binh.pk,
        phu_quy.pk,
    }
    record_secret_ballot(
        second, issued=5, returned=5, valid=5, counts={bac_binh.pk: 3, phu_quy.pk: 2}, by=w.head
    )
    assert second.candidates.get(elected=True).organization == bac_binh
    with pytest.raises(ValidationError):
        start_tie_round(vote, by=w.head)  # already resolved by round 2


def test_a_tie_resolved_by_the_ranking_when_the_programme_says_so(review):
    w = review
    w.program.vote_tie_rule = VoteTieRule.TIE_BREAK
    w.program.save()
    attend(w, *ALL)
    bac_binh, phan_thiet = w.units["ldld-bac-binh"], w.units["ldld-tp-phan-thiet"]
    vote = start_vote(
        w.meeting,
        award_type=w.certificate,
        mode=VoteMode.SECRET,
        candidates=[bac_binh, phan_thiet],
        by=w.head,
    )
    record_secret_ballot(
        vote, issued=5, returned=5, valid=5, counts={bac_binh.pk: 2, phan_thiet.pk: 2}, by=w.head
    )
    # Phan Thiết ranks 2nd, Bắc Bình 3rd.
    assert vote.tie
    assert vote.candidates.get(elected=True).organization == phan_thiet
    assert "Phan Thiết" in vote.tie_resolution
    assert tied_candidates(vote) == []


def test_quota_rules_block_or_warn_as_configured(review):
    w = review
    attend(w, *ALL)
    AwardRule.objects.create(
        organizer=w.province,
        year=2024,
        award_type=w.certificate,
        scope=RuleScope.CLUSTER,
        max_count=1,
        blocking=False,
    )
    AwardRule.objects.create(
        organizer=w.province,
        year=2024,
        award_type=w.flag,
        scope=RuleScope.SHARE,
        max_percent=20,
        blocking=True,
    )
    nominate(
        w.cluster_year,
        organization=w.units["ldld-tp-phan-thiet"],
        award_type=w.certificate,
        by=w.head,
    )
    second = nominate(
        w.cluster_year, organization=w.units["ldld-phu-quy"], award_type=w.certificate, by=w.head
    )
    assert "2" in second.warnings and "1" in second.warnings  # 2 in the cluster, at most 1
    nominate(w.cluster_year, organization=w.units["ldld-tuy-phong"], award_type=w.flag, by=w.head)
    # A second flag would be 2 of 5 members: more than 20%; and Bắc Bình is not HTXSNV.
    check = check_rules(w.cluster_year, w.flag, w.units["ldld-bac-binh"], leading=False)
    assert len(check.errors) == 2
    rule = AwardRule.objects.get(award_type=w.flag)
    rule.blocking = False
    rule.save()
    check = check_rules(w.cluster_year, w.flag, w.units["ldld-bac-binh"], leading=False)
    assert len(check.errors) == 1 and len(check.warnings) == 1
    with pytest.raises(ValidationError):
        nominate(
            w.cluster_year, organization=w.units["ldld-bac-binh"], award_type=w.flag, by=w.head
        )
    assert Nomination.objects.filter(award_type=w.flag).count() == 1


def test_one_leading_unit_per_cluster(review):
    w = review
    nominate(w.cluster_year, organization=w.units["ldld-tuy-phong"], award_type=w.flag, by=w.head)
    check = check_rules(w.cluster_year, w.certificate, w.units["ldld-phu-quy"], leading=True)
    assert check.errors


def test_the_whole_review_elects_next_years_head_and_closes_once(review):
    w = review
    attend(w, *ALL)
    adopt_summary(
        w.meeting,
        achievements=w.meeting.achievements,
        limitations="Một số chỉ tiêu chưa đạt.",
        directions="Tiếp tục đẩy mạnh phong trào thi đua.",
        by=w.head,
    )
    vote = start_vote(
        w.meeting,
        award_type=w.flag,
        mode=VoteMode.SECRET,
        candidates=[w.units["ldld-tuy-phong"]],
        by=w.head,
    )
    record_secret_ballot(
        vote, issued=5, returned=5, valid=5, counts={w.units["ldld-tuy-phong"].pk: 4}, by=w.head
    )
    created, errors = nominate_chosen(w.meeting, w.flag, by=w.head)
    assert errors == [] and [n.organization for n in created] == [w.units["ldld-tuy-phong"]]
    assert created[0].leading and created[0].votes == 4
    # Nothing is elected before the election step: closing is refused until it is.
    assert w.meeting.elected_head is None
    assert any("Cụm trưởng" in gap or "head" in gap for gap in closing_gaps(w.meeting))
    with pytest.raises(ValidationError):
        elect(
            w.meeting,
            head=w.units["ldld-tuy-phong"],
            deputy=w.units["ldld-tuy-phong"],
            handover_on=D(2024, 12, 14),
            by=w.head,
        )
    next_year = elect(
        w.meeting,
        head=w.units["ldld-tuy-phong"],
        deputy=w.units["ldld-ham-thuan-bac"],
        handover_on=D(2024, 12, 14),
        handover_note="Bàn giao hồ sơ tại hội nghị.",
        by=w.head,
    )
    assert next_year.year == 2025 and next_year.head == w.units["ldld-tuy-phong"]
    assert next_year.memberships.count() == 5
    assert next_year.history.first().history_change_reason.startswith("Bầu tại") or "Elected" in (
        next_year.history.first().history_change_reason
    )
    close_meeting(w.meeting, by=w.head)
    w.meeting.refresh_from_db()
    assert w.meeting.status == MeetingStatus.CLOSED
    cluster_year = ClusterYear.objects.get(pk=w.cluster_year.pk)
    assert cluster_year.status == ClusterYearStatus.REVIEW
    assert set(cluster_year.results.values_list("status", flat=True)) == {ResultStatus.LOCKED}
    with pytest.raises(ValidationError, match="already closed|đã kết thúc|đã bế mạc"):
        close_meeting(w.meeting, by=w.head)
    with pytest.raises(ValidationError):  # nothing changes after the close
        save_attendance(w.meeting, {w.units["ldld-phu-quy"].pk: {"present": False}}, by=w.head)


def test_closing_without_the_adopted_summary_is_refused(review):
    w = review
    attend(w, *ALL)
    with pytest.raises(ValidationError):
        close_meeting(w.meeting, by=w.head)
    w.meeting.refresh_from_db()
    assert w.meeting.status != MeetingStatus.CLOSED


def test_a_counted_vote_is_not_held_again_and_freezes_the_attendance(review):
    w = review
    attend(w, *ALL)
    vote = start_vote(
        w.meeting,
        award_type=w.flag,
        mode=VoteMode.SECRET,
        candidates=[w.units["ldld-tuy-phong"]],
        by=w.head,
    )
    # An uncounted round keeps the meeting open; who is present no longer changes.
    assert any("kiểm phiếu" in gap or "counted" in gap for gap in closing_gaps(w.meeting))
    with pytest.raises(ValidationError):
        save_attendance(w.meeting, {w.units["ldld-phu-quy"].pk: {"present": False}}, by=w.head)
    record_secret_ballot(
        vote, issued=5, returned=5, valid=5, counts={w.units["ldld-tuy-phong"].pk: 4}, by=w.head
    )
    with pytest.raises(ValidationError):  # counted twice
        record_secret_ballot(
            vote, issued=5, returned=5, valid=5, counts={w.units["ldld-tuy-phong"].pk: 3}, by=w.head
        )
    with pytest.raises(ValidationError):  # voting again until the result suits
        start_vote(
            w.meeting,
            award_type=w.flag,
            mode=VoteMode.SECRET,
            candidates=[w.units["ldld-tuy-phong"]],
            by=w.head,
        )


def test_an_unverified_result_does_not_make_a_unit_eligible(review):
    w = review
    from clusters.services import return_result

    result = w.cluster_year.results.get(organization=w.units["ldld-tuy-phong"])
    return_result(result, by=w.staff, reason="Bổ sung minh chứng")
    check = check_rules(w.cluster_year, w.flag, w.units["ldld-tuy-phong"])
    assert check.errors


def test_a_non_member_is_never_proposed(review):
    w = review
    from tests.factories import OrganizationFactory

    outsider = OrganizationFactory(parent=w.province)
    assert check_rules(w.cluster_year, w.certificate, outsider).errors


def test_a_unit_never_gets_a_comprehensive_and_a_thematic_award_of_one_level(review):
    w = review
    thematic = AwardType.objects.create(
        organizer=w.province,
        name="Bằng khen chuyên đề của Liên đoàn Lao động tỉnh",
        kind=AwardKind.CERTIFICATE,
        comprehensive=False,
    )
    phan_thiet = w.units["ldld-tp-phan-thiet"]
    nominate(w.cluster_year, organization=phan_thiet, award_type=w.certificate, by=w.head)
    with pytest.raises(ValidationError):
        nominate(w.cluster_year, organization=phan_thiet, award_type=thematic, by=w.head)
