"""The meeting mode through HTTP: the head's steps, bad input, a closed meeting, the lists and
their query counts."""

import datetime

import pytest
from django.urls import reverse

from awards.documents.minutes import build_minutes
from awards.documents.proposal import build_proposal
from awards.models import Nomination, NominationStatus, Vote, VoteStatus
from awards.services.votes import nominate
from clusters.models import Meeting, MeetingStatus
from tests.awards.test_review_meeting import ALL, review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401
from tests.clusters.test_views import count_queries

pytestmark = pytest.mark.django_db

D = datetime.date


def url(w, name, *extra):
    return reverse(name, args=[w.cluster_year.cluster.code, 2024, *extra])


def step(w, key):
    return url(w, "clusters:meeting_step", w.meeting.pk, key)


def test_the_head_prepares_the_review_with_the_rotation_and_the_draft_summary(client, bt1):  # noqa: F811
    w = bt1
    client.force_login(w.head)
    response = client.post(
        url(w, "clusters:meeting_create"),
        {
            "held_on": "31/02/2024",
            "place": "",
            "host": w.units["ldld-bac-binh"].pk,
            "chair": "Trần Văn Hòa",
            "secretary": "",
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    response = client.post(
        url(w, "clusters:meeting_create"),
        {
            "held_on": "14/12/2024",
            "starts_at": "08:00",
            "place": "Hội trường LĐLĐ huyện Bắc Bình",
            "host": w.units["ldld-bac-binh"].pk,
            "chair": "Trần Văn Hòa",
            "secretary": "Nguyễn Thị Mai",
            "agenda": "Thông qua báo cáo\nBình xét",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert meeting.attendances.count() == 5
    # The election step preselects the rotation's proposal: the deputy moves up.
    election = client.get(
        reverse("clusters:meeting_step", args=["bt-1", 2024, meeting.pk, "election"])
    )
    assert election.context["form"].initial["head"] == w.units["ldld-tuy-phong"].pk
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Nguyễn Thị Mai" in page.content.decode()


def test_a_member_cannot_run_the_meeting_but_reads_it(client, review):  # noqa: F811
    w = review
    client.force_login(w.phu_quy)
    assert client.get(step(w, "attendance")).status_code == 403
    assert client.get(url(w, "awards:meeting_vote", w.meeting.pk)).status_code == 403
    assert client.get(w.meeting.get_absolute_url()).status_code == 200
    assert client.get(url(w, "clusters:meeting_step", w.meeting.pk, "nowhere")).status_code == 403


def test_every_step_of_the_meeting_mode_through_http(client, review):  # noqa: F811
    w = review
    client.force_login(w.head)
    for key in ["attendance", "summary", "ranking", "election", "conclusions", "close"]:
        assert client.get(step(w, key)).status_code == 200, key
    data = {f"a{w.units[code].pk}-present": "on" for code in ALL}
    data[f"a{w.units['ldld-tuy-phong'].pk}-representative"] = "Phạm Thị Thu"
    assert client.post(step(w, "attendance"), data).url == step(w, "summary")
    response = client.post(step(w, "summary"), {"achievements": "", "limitations": ""})
    assert response.status_code == 200  # required
    client.post(step(w, "summary"), {"achievements": "Hoàn thành tốt.", "directions": "Tiếp tục."})
    assert Meeting.objects.get().summary_adopted
    # The vote: a secret ballot that gives a unit more votes than the other units present.
    response = client.post(
        url(w, "awards:meeting_vote", w.meeting.pk),
        {
            "award_type": w.flag.pk,
            "mode": "secret",
            "seats": 1,
            "candidates": [w.units["ldld-tuy-phong"].pk],
        },
    )
    vote = Vote.objects.get()
    assert response.url == url(w, "awards:vote_record", vote.pk)
    tuy_phong = w.units["ldld-tuy-phong"].pk
    response = client.post(
        url(w, "awards:vote_record", vote.pk),
        {"issued": 5, "returned": 5, "valid": 5, f"votes_{tuy_phong}": 5},
        follow=True,
    )
    assert Vote.objects.get().status == VoteStatus.OPEN
    assert "4" in response.content.decode()  # only 4 other units could vote for it
    client.post(
        url(w, "awards:vote_record", vote.pk),
        {"issued": 5, "returned": 5, "valid": 5, f"votes_{tuy_phong}": 4},
    )
    assert Vote.objects.get().status == VoteStatus.COUNTED
    client.post(url(w, "awards:meeting_nominations", w.meeting.pk), {"from_vote": w.flag.pk})
    nomination = Nomination.objects.get()
    assert nomination.organization_id == tuy_phong and nomination.votes == 4
    # The election, the conclusions and the close.
    response = client.post(
        step(w, "election"),
        {"head": tuy_phong, "deputy": tuy_phong, "handover_on": "14/12/2024"},
    )
    assert response.status_code == 200  # the same unit twice
    client.post(
        step(w, "election"),
        {
            "head": tuy_phong,
            "deputy": w.units["ldld-ham-thuan-bac"].pk,
            "handover_on": "14/12/2024",
        },
    )
    formset = {
        "c-TOTAL_FORMS": 2,
        "c-INITIAL_FORMS": 0,
        "c-0-text": "Ký kết giao ước thi đua năm 2025.",
        "c-0-owner": "Cụm trưởng",
        "c-0-due_on": "31/03/2025",
        "c-1-text": "",
    }
    assert client.post(step(w, "conclusions"), formset).url == step(w, "close")
    assert [c.text for c in Meeting.objects.get().conclusions.all()] == [
        "Ký kết giao ước thi đua năm 2025."
    ]
    response = client.post(step(w, "close"), {"ends_at": "11:30"})
    assert Meeting.objects.get().status == MeetingStatus.CLOSED
    # Closed: every change is refused.
    response = client.post(step(w, "attendance"), {}, follow=True)
    assert Meeting.objects.get().attendances.filter(present=True).count() == 5
    response = client.post(step(w, "close"), {"ends_at": "12:00"})
    assert Meeting.objects.get().ends_at == datetime.time(11, 30)


def test_the_lists_take_a_constant_number_of_queries(client, review):  # noqa: F811
    w = review
    client.force_login(w.head)
    nominate(w.cluster_year, organization=w.units["ldld-tuy-phong"], award_type=w.flag, by=w.head)
    lists = [
        url(w, "awards:nomination_list"),
        url(w, "clusters:meeting_list"),
        url(w, "awards:meeting_nominations", w.meeting.pk),
    ]
    before = [count_queries(client, target) for target in lists]
    for code in ["ldld-phu-quy", "ldld-tp-phan-thiet", "ldld-bac-binh"]:
        nominate(w.cluster_year, organization=w.units[code], award_type=w.certificate, by=w.head)
    Meeting.objects.create(
        kind="interim",
        organizer=w.province,
        cluster_year=w.cluster_year,
        year=2024,
        held_on=D(2024, 6, 30),
        place="Phú Quý",
    )
    after = [count_queries(client, target) for target in lists]
    assert before == after


def test_a_head_does_not_propose_its_own_unit_or_a_flag_without_a_vote(client, review):  # noqa: F811
    w = review
    client.force_login(w.head)
    target = url(w, "awards:meeting_nominations", w.meeting.pk)
    for organization, award, justification in [
        (w.units["ldld-bac-binh"], w.certificate, "Đơn vị Cụm trưởng"),  # its own unit
        (w.units["ldld-tuy-phong"], w.flag, "Dẫn đầu"),  # a flag without a vote
        (w.units["ldld-phu-quy"], w.certificate, ""),  # no justification
    ]:
        client.post(
            target,
            {
                "organization": organization.pk,
                "award_type": award.pk,
                "justification": justification,
            },
        )
    assert not Nomination.objects.exists()
    client.post(
        target,
        {
            "organization": w.units["ldld-phu-quy"].pk,
            "award_type": w.certificate.pk,
            "justification": "Nhiều mô hình hay.",
        },
    )
    assert Nomination.objects.get().organization == w.units["ldld-phu-quy"]


@pytest.mark.parametrize(
    "held_on, accepted",
    [
        ("31/12/2023", False),  # before the year
        ("02/01/2024", True),
        ("31/03/2025", True),  # the last day of the first three months after it
        ("01/04/2025", False),
        ("14/12/2026", False),
    ],
)
def test_the_review_is_dated_within_its_year_or_the_three_months_after(
    client,
    bt1,  # noqa: F811
    held_on,
    accepted,
):
    client.force_login(bt1.head)
    response = client.post(
        url(bt1, "clusters:meeting_create"),
        {
            "held_on": held_on,
            "place": "Bắc Bình",
            "host": bt1.units["ldld-bac-binh"].pk,
            "chair": "Trần Văn Hòa",
            "secretary": "Nguyễn Thị Mai",
        },
    )
    assert Meeting.objects.exists() == accepted
    if not accepted:
        assert response.status_code == 200
        assert "31/03/2025" in response.content.decode()


def test_the_head_withdraws_a_nomination_with_a_reason(client, review):  # noqa: F811
    w = review
    kept = nominate(
        w.cluster_year,
        organization=w.units["ldld-tp-phan-thiet"],
        award_type=w.certificate,
        by=w.head,
    )
    dropped = nominate(
        w.cluster_year, organization=w.units["ldld-phu-quy"], award_type=w.certificate, by=w.head
    )
    withdraw = url(w, "awards:nomination_withdraw", dropped.pk)
    reason = "Đơn vị xin rút để nhường cho đơn vị bạn"
    client.force_login(w.phu_quy)  # a member, even the nominee, may not
    assert client.post(withdraw, {"reason": reason}).status_code == 403
    client.force_login(w.head)
    client.post(withdraw, {"reason": ""})  # a reason is required
    dropped.refresh_from_db()
    assert dropped.status == NominationStatus.PROPOSED
    assert client.post(withdraw, {"reason": reason}).status_code == 302
    dropped.refresh_from_db()
    assert dropped.status == NominationStatus.WITHDRAWN
    record = dropped.history.order_by("-history_date", "-history_id").first()
    assert (record.history_change_reason, record.history_user) == (reason, w.head)

    # Listed as withdrawn, and no longer offered for withdrawal.
    page = client.get(url(w, "awards:nomination_list")).content.decode()
    assert page.count("<td>Đã rút</td>") == 1
    assert withdraw not in page and url(w, "awards:nomination_withdraw", kept.pk) in page
    # Not active anywhere after: the meeting's nominations, the minutes, the submission.
    step = client.get(url(w, "awards:meeting_nominations", w.meeting.pk))
    assert step.context["nominations"] == [kept]
    assert [line.name for line in build_minutes(w.cluster_year).nominations] == [
        "Liên đoàn Lao động thành phố Phan Thiết"
    ]
    assert [[line.name for line in g.lines] for g in build_proposal(w.cluster_year).groups] == [
        ["Liên đoàn Lao động thành phố Phan Thiết"]
    ]
    # Withdrawn once: a second withdrawal changes nothing.
    client.post(withdraw, {"reason": "Lần hai"})
    assert dropped.history.count() == 2
