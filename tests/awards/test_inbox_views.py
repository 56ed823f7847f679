"""The organiser's proposals inbox and the dossier of a nomination, through HTTP: who sees
them, the filters and the export, the bulk actions (all or nothing), each action of the
dossier, the organiser's quota and the query counts."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Award, Decision, Nomination, NominationStatus
from awards.services import approval as workflow
from clusters.models import AnnualResult, ClusterYearStatus, Level, OrganizationKind
from tests.clusters.test_views import count_queries
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
S = NominationStatus
INBOX = reverse("awards:inbox")
BULK = reverse("awards:inbox_bulk")


@pytest.fixture
def submitted(approval):
    """The bt-1 dossier sent to the province: both nominations wait for the staff."""
    w = approval
    workflow.submit(w.cluster_year, by=w.head)
    w.flag_nomination.refresh_from_db()
    w.certificate_nomination.refresh_from_db()
    return w


def dossier_url(nomination):
    return reverse("awards:dossier", args=[nomination.pk])


def act_url(nomination):
    return reverse("awards:nomination_act", args=[nomination.pk])


def message_texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def rows(response) -> list[Nomination]:
    return [row.record for row in response.context["table"].page.object_list]


def status_of(nomination) -> str:
    nomination.refresh_from_db()
    return nomination.status


def other_cluster_year(w, *, with_flag_status=None, name="Cụm thi đua số 9"):
    """Another cluster of the province in 2024 with its members' results and, if asked, a
    flag nomination in the given status."""
    members = [OrganizationFactory(parent=w.province) for _ in range(3)]
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=w.province, name=name),
        year=2024,
        head=members[0],
        deputy=members[1],
        status=ClusterYearStatus.SUBMITTED,
        members=members,
    )
    for index, member in enumerate(members):
        AnnualResult.objects.create(
            cluster_year=cluster_year,
            organization=member,
            program=w.program,
            status="locked",
            self_total=90 + index,
            verified_total=88 + index,
            level=Level.EXCELLENT if index == 0 else Level.GOOD,
        )
    if with_flag_status:
        Nomination.objects.create(
            cluster_year=cluster_year,
            organization=members[0],
            award_type=w.flag,
            status=with_flag_status,
            votes=3,
            warnings="Một cảnh báo",
        )
    return cluster_year


# The inbox ----------------------------------------------------------------------------------


def test_staff_see_what_the_clusters_submitted_and_nothing_before(client, approval):
    w = approval
    client.force_login(w.staff)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert rows(response) == []  # proposed only: the cluster has not sent them yet
    workflow.submit(w.cluster_year, by=w.head)
    response = client.get(INBOX)
    assert {n.pk for n in rows(response)} == {
        w.flag_nomination.pk,
        w.certificate_nomination.pk,
    }
    html = response.content.decode()
    assert "Liên đoàn Lao động huyện Tuy Phong" in html
    assert "Liên đoàn Lao động thành phố Phan Thiết" in html
    assert dossier_url(w.flag_nomination) in html
    # Votes for/valid with the share, the classification and both totals.
    assert "4/5 (80" in html
    assert "HTXSNV" in html
    assert 'form="inbox-bulk"' in html


def test_the_head_members_and_anonymous_cannot_open_the_inbox(client, submitted):
    w = submitted
    outsider = OfficerFactory(organization=OrganizationFactory(kind=OrganizationKind.PROVINCIAL))
    for user in (w.head, w.tuy_phong, outsider.user):
        client.force_login(user)
        assert client.get(INBOX).status_code == 403
        assert client.post(BULK, {"action": "approve"}).status_code == 403
    client.logout()
    assert client.get(INBOX).status_code == 302
    assert client.post(BULK).status_code == 302


def other_staff():
    """An officer of another province that organises a cluster of its own."""
    other = OrganizationFactory(kind=OrganizationKind.PROVINCIAL)
    ClusterYearFactory(cluster=ClusterFactory(organizer=other), year=2024)
    return OfficerFactory(organization=other).user


def test_staff_of_another_province_see_an_empty_inbox(client, submitted):
    client.force_login(other_staff())
    response = client.get(INBOX)
    assert response.status_code == 200
    assert rows(response) == []


def test_the_inbox_opens_on_the_waiting_ones_and_the_filters_narrow_it(client, submitted):
    w = submitted
    workflow.approve(w.certificate_nomination, by=w.staff)
    Nomination.objects.filter(pk=w.flag_nomination.pk).update(warnings="Cảnh báo thử")
    client.force_login(w.staff)
    assert [n.pk for n in rows(client.get(INBOX))] == [w.flag_nomination.pk]
    every = rows(client.get(INBOX, {"status": ""}))
    assert len(every) == 2
    assert [n.pk for n in rows(client.get(INBOX, {"status": "approved"}))] == [
        w.certificate_nomination.pk
    ]
    by_form = rows(client.get(INBOX, {"status": "", "award_type": w.certificate.pk}))
    assert [n.pk for n in by_form] == [w.certificate_nomination.pk]
    warned = rows(client.get(INBOX, {"status": "", "warnings": "on"}))
    assert [n.pk for n in warned] == [w.flag_nomination.pk]
    cluster = w.cluster_year.cluster
    assert len(rows(client.get(INBOX, {"status": "", "cluster": cluster.pk}))) == 2
    assert len(rows(client.get(INBOX, {"status": "", "year": 2024}))) == 2
    other = other_cluster_year(w, with_flag_status=S.SUBMITTED)
    assert len(rows(client.get(INBOX, {"cluster": other.cluster.pk}))) == 1
    # A year without a nomination is not offered.
    response = client.get(INBOX, {"year": 2023})
    assert response.status_code == 200
    assert "year" in response.context["filter"].errors


def test_the_inbox_exports_to_excel(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.get(INBOX, {"_export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(
        str(cell.value) for row in book.active.iter_rows() for cell in row if cell.value
    )
    assert "Liên đoàn Lao động huyện Tuy Phong" in text
    assert "Bằng khen" in text
    assert "4/5" in text
    assert "<input" not in text
    csv = client.get(INBOX, {"_export": "csv"})
    assert csv.status_code == 200
    assert "Phan Thiết" in csv.content.decode("utf-8-sig")


def test_the_inbox_takes_a_constant_number_of_queries(client, submitted):
    w = submitted
    Nomination.objects.filter(pk=w.flag_nomination.pk).update(warnings="Cảnh báo thử")
    client.force_login(w.staff)
    before = count_queries(client, INBOX)
    before_all = count_queries(client, INBOX + "?status=&warnings=on")
    for number in range(3):
        other_cluster_year(w, with_flag_status=S.SUBMITTED, name=f"Cụm thi đua số {20 + number}")
    response = client.get(INBOX)
    assert len(rows(response)) == 5
    assert count_queries(client, INBOX) == before
    assert count_queries(client, INBOX + "?status=&warnings=on") == before_all


# Bulk actions ---------------------------------------------------------------------------------


def test_bulk_approve_keeps_the_filters(client, submitted):
    w = submitted
    client.force_login(w.staff)
    back = f"{INBOX}?status=pending&cluster={w.cluster_year.cluster.pk}"
    response = client.post(
        BULK,
        {
            "select": [w.flag_nomination.pk, w.certificate_nomination.pk],
            "action": "approve",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert re.search(r"\b2\b", message_texts(response))
    assert status_of(w.flag_nomination) == S.APPROVED
    assert status_of(w.certificate_nomination) == S.APPROVED


def test_bulk_return_sends_the_reason_to_the_head(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(
        BULK,
        {
            "select": [w.certificate_nomination.pk],
            "action": "return",
            "reason": "Thiếu báo cáo thành tích",
            "next": "https://evil.example.com/",
        },
    )
    assert response["Location"] == INBOX
    w.certificate_nomination.refresh_from_db()
    assert w.certificate_nomination.status == S.RETURNED
    assert w.certificate_nomination.staff_reason == "Thiếu báo cáo thành tích"
    assert status_of(w.flag_nomination) == S.SUBMITTED


def test_bulk_reject_without_a_reason_saves_nothing(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(
        BULK,
        {"select": [w.flag_nomination.pk, w.certificate_nomination.pk], "action": "reject"},
    )
    assert response.status_code == 302
    assert re.search(r"reason|lý do", message_texts(response), re.I)
    assert status_of(w.flag_nomination) == S.SUBMITTED
    assert status_of(w.certificate_nomination) == S.SUBMITTED


def test_a_bulk_with_one_nomination_not_pending_saves_nothing(client, submitted):
    w = submitted
    workflow.approve(w.certificate_nomination, by=w.staff)
    client.force_login(w.staff)
    response = client.post(
        BULK,
        {
            "select": [w.flag_nomination.pk, w.certificate_nomination.pk],
            "action": "reject",
            "reason": "Không đủ điều kiện",
        },
    )
    text = message_texts(response)
    assert "Phan Thiết" in text
    assert status_of(w.flag_nomination) == S.SUBMITTED
    assert status_of(w.certificate_nomination) == S.APPROVED


def test_a_bulk_without_rows_or_with_rows_of_another_organiser_is_refused(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(BULK, {"action": "approve"})
    assert re.search(r"Select at least one|Chọn ít nhất", message_texts(response))
    client.force_login(other_staff())
    response = client.post(BULK, {"select": [w.flag_nomination.pk], "action": "approve"})
    assert re.search(r"not one you decide on|không thuộc", message_texts(response))
    assert response.status_code == 302
    assert status_of(w.flag_nomination) == S.SUBMITTED


def test_the_bulk_accepts_only_post(client, submitted):
    client.force_login(submitted.staff)
    assert client.get(BULK).status_code == 405


# The dossier ----------------------------------------------------------------------------------


def _past_award(w):
    """Tuy Phong's certificate of merit of 2023, by decision 12/QĐ-LĐLĐ."""
    previous = ClusterYearFactory(
        cluster=w.cluster_year.cluster,
        year=2023,
        status=ClusterYearStatus.CLOSED,
        head=w.units["ldld-tuy-phong"],
        members=list(w.units.values()),
    )
    nomination = Nomination.objects.create(
        cluster_year=previous,
        organization=w.units["ldld-tuy-phong"],
        award_type=w.certificate,
        status=S.AWARDED,
    )
    decision = Decision.objects.create(
        organizer=w.province,
        year=2023,
        number="12/QĐ-LĐLĐ",
        signed_on=D(2024, 1, 15),
        signer="Trần Văn Bình",
    )
    return Award.objects.create(
        decision=decision,
        nomination=nomination,
        organization=w.units["ldld-tuy-phong"],
        award_type=w.certificate,
        cluster_year=previous,
        year=2023,
    )


def test_the_dossier_shows_everything_needed_to_decide(client, submitted):
    w = submitted
    _past_award(w)
    client.force_login(w.staff)
    response = client.get(dossier_url(w.flag_nomination))
    assert response.status_code == 200
    html = response.content.decode()
    context = response.context
    # The proposal and its PDF.
    assert "05/TTr-CTĐ" in html
    assert reverse("awards:proposal_pdf", args=["bt-1", 2024]) in html
    # Scores per section (self vs verified), indicators, classification.
    assert context["result"] is not None
    assert len(context["sections"]) == len(w.table.sections)
    assert any(item["verified"] is not None for item in context["sections"])
    assert context["indicators"]
    assert context["level_abbreviation"] == "HTXSNV"
    assert context["row"].rank == 1
    # The vote: 4 of 5 valid ballots.
    (vote,) = context["votes"]
    assert (vote.ballots_issued, vote.ballots_valid) == (5, 5)
    assert [(c.organization.code, c.votes) for c in vote.candidates.all()] == [
        ("ldld-tuy-phong", 4)
    ]
    assert "4/5" in html
    # Past awards and nominations.
    assert "12/QĐ-LĐLĐ" in html
    assert [a.year for a in context["past_awards"]] == [2023]
    assert [n.cluster_year.year for n in context["past_nominations"]] == [2023]
    # History: proposed, then submitted with the proposal.
    statuses = [entry.status for entry in context["history"]]
    assert statuses[0] == S.PROPOSED and statuses[-1] == S.SUBMITTED
    # The actions while pending, with the lower forms offered for the flag.
    assert context["pending"]
    assert {t.pk for t in context["lower_forms"]} == {w.certificate.pk, w.giay_khen.pk}
    assert act_url(w.flag_nomination) in html


def test_the_dossier_reads_the_nomination_with_what_it_shows_only(client, submitted):
    """The nomination is read with its cluster-year, cluster, unit, the forms and the vote –
    not the organiser, the head, the vote's meeting nor who proposed it, which the dossier
    does not show – and whether the user reads it is asked of its cluster-year apart: on
    PostgreSQL each joined table more multiplied the planning (eleven tables and the scope
    took 14 ms to plan at national size, for one row)."""
    w = submitted
    w.flag_nomination.granted_type = w.certificate
    w.flag_nomination.save()
    client.force_login(w.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dossier_url(w.flag_nomination))
    assert response.status_code == 200
    # The first: the dossier's own (the history and the others' follow).
    read, *_others = [
        q["sql"]
        for q in queries.captured_queries
        if " FROM " in q["sql"]
        and q["sql"].split(" FROM ")[1].startswith('"awards_nomination"')
        and f'"awards_nomination"."id" = {w.flag_nomination.pk}' in q["sql"]
    ]
    assert read.count(" JOIN ") == 6
    assert "EXISTS" not in read
    # What it shows of them is read with it: no query more for the vote or the granted form.
    assert w.certificate.name in response.content.decode()
    assert not [
        q
        for q in queries.captured_queries
        if " FROM " in q["sql"]
        and q["sql"].split(" FROM ")[1].startswith('"awards_vote"')
        and 'WHERE "awards_vote"."id" =' in q["sql"]
    ]


def test_the_return_and_resubmit_loop_shows_in_the_history(client, submitted):
    w = submitted
    client.force_login(w.staff)
    client.post(
        act_url(w.certificate_nomination),
        {"action": "return", "reason": "Bổ sung minh chứng"},
    )
    workflow.resubmit(w.certificate_nomination, by=w.head, supplement="Đã bổ sung minh chứng số 3")
    response = client.get(dossier_url(w.certificate_nomination))
    statuses = [entry.status for entry in response.context["history"]]
    assert statuses[-2:] == [S.RETURNED, S.RESUBMITTED]
    html = response.content.decode()
    assert "Bổ sung minh chứng" in html
    assert "Đã bổ sung minh chứng số 3" in html
    assert response.context["pending"]


def test_the_dossier_is_404_outside_scope_and_403_without_the_staff_right(client, submitted):
    w = submitted
    outsider = OfficerFactory(organization=OrganizationFactory(kind=OrganizationKind.PROVINCIAL))
    client.force_login(outsider.user)
    assert client.get(dossier_url(w.flag_nomination)).status_code == 404
    assert client.post(act_url(w.flag_nomination), {"action": "approve"}).status_code == 404
    for user in (w.head, w.tuy_phong):
        client.force_login(user)
        assert client.get(dossier_url(w.flag_nomination)).status_code == 403
        assert client.post(act_url(w.flag_nomination), {"action": "approve"}).status_code == 403
    assert status_of(w.flag_nomination) == S.SUBMITTED
    client.logout()
    assert client.get(dossier_url(w.flag_nomination)).status_code == 302
    client.force_login(w.staff)
    assert client.get(act_url(w.flag_nomination)).status_code == 405
    assert client.get(reverse("awards:dossier", args=[999999])).status_code == 404


def test_approve_with_a_note(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(
        act_url(w.certificate_nomination), {"action": "approve", "reason": "Đủ điều kiện"}
    )
    assert response["Location"] == dossier_url(w.certificate_nomination)
    assert status_of(w.certificate_nomination) == S.APPROVED
    last = w.certificate_nomination.history.order_by("-history_date").first()
    assert last.history_change_reason == "Đủ điều kiện"
    # Not pending any more: no second decision, and the dossier offers no action.
    response = client.post(act_url(w.certificate_nomination), {"action": "reject", "reason": "x"})
    assert re.search(r"approved|phê duyệt|Đã duyệt", message_texts(response), re.I)
    assert status_of(w.certificate_nomination) == S.APPROVED
    response = client.get(dossier_url(w.certificate_nomination))
    assert not response.context["pending"]
    assert act_url(w.certificate_nomination) not in response.content.decode()


def test_reject_and_return_need_a_reason(client, submitted):
    w = submitted
    client.force_login(w.staff)
    for action in ("reject", "return"):
        response = client.post(act_url(w.flag_nomination), {"action": action, "reason": "  "})
        assert re.search(r"reason|lý do", message_texts(response), re.I)
        assert status_of(w.flag_nomination) == S.SUBMITTED
    client.post(act_url(w.flag_nomination), {"action": "reject", "reason": "Chưa đạt"})
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == S.REJECTED
    assert w.flag_nomination.staff_reason == "Chưa đạt"
    client.post(act_url(w.certificate_nomination), {"action": "return", "reason": "Thiếu"})
    assert status_of(w.certificate_nomination) == S.RETURNED


def test_an_unknown_action_changes_nothing(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(act_url(w.flag_nomination), {"action": "award"})
    assert response.status_code == 302
    assert status_of(w.flag_nomination) == S.SUBMITTED


@pytest.mark.parametrize("lower", ["certificate", "giay_khen"])
def test_downgrade_the_flag_to_a_lower_form(client, submitted, lower):
    w = submitted
    client.force_login(w.staff)
    target = getattr(w, lower)
    response = client.post(
        act_url(w.flag_nomination),
        {"action": "downgrade", "award_type": target.pk, "reason": "Chưa đủ tiêu chuẩn cờ"},
    )
    assert response.status_code == 302
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == S.DOWNGRADED
    assert w.flag_nomination.granted_type == target
    assert w.flag_nomination.staff_reason == "Chưa đủ tiêu chuẩn cờ"
    # The inbox shows the granted form next to the proposed one.
    response = client.get(INBOX, {"status": "downgraded"})
    assert target.label in response.content.decode()


def test_a_downgrade_to_a_higher_form_or_without_reason_is_refused(client, submitted):
    w = submitted
    client.force_login(w.staff)
    response = client.post(
        act_url(w.certificate_nomination),
        {"action": "downgrade", "award_type": w.flag.pk, "reason": "Nâng mức"},
    )
    assert "Cờ thi đua" in message_texts(response)
    assert status_of(w.certificate_nomination) == S.SUBMITTED
    response = client.post(
        act_url(w.certificate_nomination),
        {"action": "downgrade", "award_type": w.giay_khen.pk, "reason": ""},
    )
    assert re.search(r"reason|lý do", message_texts(response), re.I)
    response = client.post(
        act_url(w.certificate_nomination), {"action": "downgrade", "reason": "Hạ mức"}
    )
    assert status_of(w.certificate_nomination) == S.SUBMITTED


def test_approval_is_refused_beyond_the_organisers_quota(client, submitted):
    w = submitted
    # The province's quota: one flag across its clusters – another cluster's flag is approved.
    other_cluster_year(w, with_flag_status=S.APPROVED)
    client.force_login(w.staff)
    response = client.post(act_url(w.flag_nomination), {"action": "approve"})
    text = message_texts(response)
    assert "Cờ thi đua" in text and "QĐ 999/QĐ-TLĐ" in text
    assert status_of(w.flag_nomination) == S.SUBMITTED
    # The same through the bulk: nothing saved, not even the certificate.
    response = client.post(
        BULK,
        {"select": [w.flag_nomination.pk, w.certificate_nomination.pk], "action": "approve"},
    )
    assert "QĐ 999/QĐ-TLĐ" in message_texts(response)
    assert status_of(w.certificate_nomination) == S.SUBMITTED
    # A lower form is outside the flag's quota.
    client.post(
        act_url(w.flag_nomination),
        {"action": "downgrade", "award_type": w.certificate.pk, "reason": "Hết chỉ tiêu cờ"},
    )
    assert status_of(w.flag_nomination) == S.DOWNGRADED


def test_the_dossier_takes_a_constant_number_of_queries(client, submitted):
    w = submitted
    client.force_login(w.staff)
    url = dossier_url(w.flag_nomination)
    before = count_queries(client, url)
    _past_award(w)
    for year in (2021, 2022):
        previous = ClusterYearFactory(
            cluster=ClusterFactory(organizer=w.province),
            year=year,
            status=ClusterYearStatus.CLOSED,
            members=[w.units["ldld-tuy-phong"]],
        )
        Nomination.objects.create(
            cluster_year=previous,
            organization=w.units["ldld-tuy-phong"],
            award_type=w.giay_khen,
            status=S.REJECTED,
        )
    Nomination.objects.get(pk=w.flag_nomination.pk).save()  # one more history row
    assert count_queries(client, url) == before
