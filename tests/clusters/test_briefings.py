"""Briefings of an organiser's cluster heads: rights, the conclusions and their numbers, the
follow-up per cluster with its overdue state, the notice of the conclusions, the dashboard,
and a constant number of queries per page."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from clusters.documents.briefing import build_notice
from clusters.forms.cluster_setup import ClusterForm
from clusters.models import (
    Attendance,
    Conclusion,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingKind,
    Organization,
)
from clusters.services.briefings import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    create_briefing,
    follow_up_matrix,
    follow_up_state,
)
from emulation.demo import seed_demo
from tests.conftest import fresh
from tests.emulation.test_export_document import pdf_text
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def make_briefing(world, *, conclusions=(), **fields):
    """A briefing of the province's cluster heads this year, with its conclusions as
    (text, due date)."""
    meeting = create_briefing(
        by=None,
        organizer=world.province,
        year=world.year,
        kind=fields.pop("kind", MeetingKind.BRIEFING),
        held_on=fields.pop("held_on", D(world.year, 1, 2)),
        place="Hội trường Liên đoàn Lao động tỉnh",
        chair="Nguyễn Văn Hùng",
        chair_title="Chủ tịch Liên đoàn Lao động tỉnh Thử Nghiệm",
        **fields,
    )
    for number, (text, due_on) in enumerate(conclusions, start=1):
        Conclusion.objects.create(meeting=meeting, number=number, text=text, due_on=due_on)
    return meeting


def second_cluster(world):
    """Another cluster of the province this year, with its own head and head officer."""
    head = OrganizationFactory(
        code="head-2", name="Liên đoàn Lao động huyện Hai", parent=world.province
    )
    cluster = ClusterFactory(organizer=world.province, number=2, code="cum-2")
    ClusterYearFactory(cluster=cluster, year=world.year, head=head, members=[head])
    user = OfficerFactory(user=UserFactory(username="head2"), organization=head).user
    return cluster, user


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def add_clusters(world, n):
    for _ in range(n):
        members = [OrganizationFactory(parent=world.province) for _ in range(2)]
        ClusterYearFactory(
            cluster=ClusterFactory(organizer=world.province),
            year=world.year,
            head=members[0],
            members=members,
        )


# Rights --------------------------------------------------------------------------------


def test_creating_a_briefing_lists_the_heads_for_the_attendance(client, world):
    second_cluster(world)
    client.force_login(world.users["staff"])
    url = reverse("clusters:briefing_create")
    response = client.post(
        url,
        {
            "organizer": world.province.code,
            "year": world.year,
            "kind": MeetingKind.BRIEFING,
            "held_on": f"15/01/{world.year}",
            "starts_at": "07:30",
            "ends_at": "11:00",
            "place": "Hội trường",
            "chair": "Nguyễn Văn Hùng",
        },
    )
    meeting = Meeting.objects.get(organizer=world.province)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.cluster_year is None and meeting.year == world.year
    assert set(meeting.attendances.values_list("organization__code", flat=True)) == {
        "head-unit",
        "head-2",
    }
    assert meeting.history.get().history_user == world.users["staff"]


def test_a_head_officer_reads_but_may_not_hold_a_briefing(client, world):
    meeting = make_briefing(world)
    client.force_login(world.users["head_officer"])
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(reverse("clusters:briefing_edit", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("clusters:briefing_create")).status_code == 403
    response = client.post(
        reverse("clusters:briefing_conclusions", args=[meeting.pk]), {"conclusions-TOTAL_FORMS": 0}
    )
    assert response.status_code == 403 and not meeting.conclusions.exists()


def test_an_outsider_gets_404(client, world):
    meeting = make_briefing(world, conclusions=[("Một việc", None)])
    client.force_login(world.users["outsider"])
    for url in [
        meeting.get_absolute_url(),
        reverse("clusters:briefing_pdf", args=[meeting.pk]),
        reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("clusters:briefing_list")).context["rows"] == []


def test_staff_of_the_organiser_edit_the_meeting_and_the_attendance(client, world):
    meeting = make_briefing(world)
    client.force_login(world.users["staff"])
    url = reverse("clusters:briefing_edit", args=[meeting.pk])
    data = {
        "kind": MeetingKind.BRIEFING,
        "held_on": f"02/01/{world.year}",
        "starts_at": "08:00",
        "ends_at": "07:00",
        "place": "Hội trường",
        "reason": "Bổ sung thành phần",
        f"unit-{world.head_unit.pk}-present": "on",
        "status": "closed",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ends_at" in errors
    attendance_form = response.context["rows"][0][1]
    assert attendance_form.errors["representative"]
    meeting.refresh_from_db()
    assert meeting.starts_at is None  # nothing saved half-way

    data |= {"ends_at": "11:00", f"unit-{world.head_unit.pk}-representative": "Trần Văn Bình"}
    assert client.post(url, data).status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, organization=world.head_unit)
    assert attendance.present and attendance.representative == "Trần Văn Bình"
    assert attendance.history.latest().history_change_reason == "Bổ sung thành phần"


def test_head_updates_the_follow_up_of_its_own_cluster_only(client, world):
    other_cluster, other_head = second_cluster(world)
    meeting = make_briefing(world, conclusions=[("Tổ chức hoạt động về nguồn", None)])
    conclusion = meeting.conclusions.get()
    client.force_login(world.users["head_officer"])
    own = reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code])
    theirs = reverse("clusters:followup_edit", args=[meeting.pk, other_cluster.code])
    assert client.get(own).status_code == 200
    assert client.get(theirs).status_code == 403
    response = client.post(
        own, {f"c{conclusion.pk}-status": "done", f"c{conclusion.pk}-note": "Đã tổ chức"}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(conclusion=conclusion, cluster=world.cluster)
    assert follow_up.status == FollowUpStatus.DONE and follow_up.note == "Đã tổ chức"
    assert follow_up.updated_by == world.users["head_officer"]
    assert follow_up.history.get().history_user == world.users["head_officer"]
    # A second save that changes nothing writes nothing.
    client.post(own, {f"c{conclusion.pk}-status": "done", f"c{conclusion.pk}-note": "Đã tổ chức"})
    assert follow_up.history.count() == 1

    client.force_login(other_head)
    assert client.get(own).status_code == 403
    assert client.get(theirs).status_code == 200
    # Members and the deputy read the briefing but update nothing.
    for persona in ("unit_officer", "deputy_officer", "viewer"):
        client.force_login(world.users[persona])
        assert client.get(meeting.get_absolute_url()).status_code == 200
        assert client.post(own, {}).status_code == 403


def test_staff_update_any_clusters_follow_up(client, world):
    other_cluster, _user = second_cluster(world)
    meeting = make_briefing(world, conclusions=[("Việc", None)])
    conclusion = meeting.conclusions.get()
    client.force_login(world.users["staff"])
    for cluster, status in [(world.cluster, "in_progress"), (other_cluster, "done")]:
        url = reverse("clusters:followup_edit", args=[meeting.pk, cluster.code])
        assert client.get(url).status_code == 200
        data = {
            f"c{conclusion.pk}-status": status,
            f"c{conclusion.pk}-note": f"Cán bộ ghi {status}",
        }
        assert client.post(url, data).status_code == 302
    saved = {
        f.cluster_id: (f.status, f.note, f.updated_by)
        for f in FollowUp.objects.filter(conclusion=conclusion)
    }
    assert saved == {
        world.cluster.pk: ("in_progress", "Cán bộ ghi in_progress", world.users["staff"]),
        other_cluster.pk: ("done", "Cán bộ ghi done", world.users["staff"]),
    }
    # A cluster of another organiser is not one of the briefing's.
    other = reverse("clusters:followup_edit", args=[meeting.pk, world.district_cluster.code])
    assert client.get(other).status_code == 404
    data = {f"c{conclusion.pk}-status": "done", f"c{conclusion.pk}-note": ""}
    assert client.post(other, data).status_code == 404
    assert not FollowUp.objects.filter(cluster=world.district_cluster).exists()


def test_a_closed_year_is_no_longer_updated_by_its_head(client, world):
    meeting = make_briefing(world, conclusions=[("Việc", None)])
    world.cluster_year.status = "closed"
    world.cluster_year.save()
    client.force_login(world.users["head_officer"])
    url = reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code])
    assert client.get(url).status_code == 403
    assert not client.get(meeting.get_absolute_url()).context["editable"]


def test_briefings_is_a_reserved_cluster_code(world):
    form = ClusterForm(
        {
            "organizer": world.province.pk,
            "kind": "cluster",
            "number": 9,
            "name": "Cụm thi đua số 9",
            "code": "briefings",
            "reason": "Thành lập",
        },
        organizers=Organization.objects.all(),
    )
    assert not form.is_valid() and "code" in form.errors


# Conclusions ---------------------------------------------------------------------------


def conclusions_data(rows, initial=0):
    """POST data of the conclusions formset: rows of dicts (id, ORDER, text, owner, due_on,
    DELETE)."""
    data = {
        "conclusions-TOTAL_FORMS": len(rows),
        "conclusions-INITIAL_FORMS": initial,
        "conclusions-MIN_NUM_FORMS": 0,
        "conclusions-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"conclusions-{index}-{key}"] = value
    return data


def test_conclusions_are_numbered_in_the_order_given(client, world):
    meeting = make_briefing(world)
    client.force_login(world.users["staff"])
    url = reverse("clusters:briefing_conclusions", args=[meeting.pk])
    due = f"30/06/{world.year}"
    response = client.post(
        url,
        conclusions_data(
            [
                {"ORDER": "", "text": "Gắn biển công trình", "owner": "Các Cụm", "due_on": due},
                {"ORDER": "", "text": "  Tổ chức   giải bóng đá ", "owner": "", "due_on": ""},
                {"ORDER": "", "text": "", "owner": "", "due_on": ""},
            ]
        ),
    )
    assert response.status_code == 302
    assert list(meeting.conclusions.values_list("number", "text")) == [
        (1, "Gắn biển công trình"),
        (2, "Tổ chức giải bóng đá"),
    ]
    first, second = meeting.conclusions.order_by("number")
    assert first.history.get().history_user == world.users["staff"]

    # Remove the first, add a third that moves to the front: numbers given again from 1.
    response = client.post(
        url,
        conclusions_data(
            [
                {"id": first.pk, "ORDER": 1, "text": first.text, "DELETE": "on"},
                {"id": second.pk, "ORDER": 2, "text": second.text},
                {"ORDER": 1, "text": "Rà soát Kỷ niệm chương", "owner": "", "due_on": ""},
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302
    assert list(meeting.conclusions.values_list("number", "text")) == [
        (1, "Rà soát Kỷ niệm chương"),
        (2, "Tổ chức giải bóng đá"),
    ]
    assert Conclusion.history.filter(id=first.pk, history_type="-").exists()


def test_conclusions_reject_bad_rows_in_vietnamese_and_save_nothing(client, world):
    meeting = make_briefing(world, conclusions=[("Việc đã có", None)])
    existing = meeting.conclusions.get()
    client.force_login(world.users["staff"])
    url = reverse("clusters:briefing_conclusions", args=[meeting.pk])
    data = conclusions_data(
        [
            {"id": existing.pk, "ORDER": 1, "text": "Việc đã sửa"},
            {"ORDER": "", "text": "", "owner": "Các Cụm", "due_on": ""},
            {"ORDER": "", "text": "Việc mới", "due_on": f"01/01/{world.year}"},
            {"ORDER": "", "text": "Việc", "due_on": "31/02/2024"},
        ],
        initial=1,
    )
    with translation.override("vi"):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[1].errors["text"] == ["Trường này là bắt buộc."]
    assert "Nhập một ngày hợp lệ." in forms[3].errors["due_on"]
    assert Conclusion.objects.get(pk=existing.pk).text == "Việc đã có"
    assert meeting.conclusions.count() == 1

    # The application's own messages, in Vietnamese too.
    assert forms[2].errors["due_on"] == [
        f"Thời hạn không được trước ngày hội nghị (02/01/{world.year})."
    ]


def test_a_conclusion_the_clusters_reported_on_cannot_be_removed(client, world):
    meeting = make_briefing(world, conclusions=[("Việc", None), ("Việc khác", None)])
    first, second = meeting.conclusions.order_by("number")
    FollowUp.objects.create(conclusion=first, cluster=world.cluster, status="in_progress")
    client.force_login(world.users["staff"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("clusters:briefing_conclusions", args=[meeting.pk]),
        conclusions_data(
            [
                {"id": first.pk, "ORDER": 1, "text": "Việc", "DELETE": "on"},
                {"id": second.pk, "ORDER": 2, "text": "Việc khác"},
            ],
            initial=2,
        ),
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "follow-up reported" in formset.non_form_errors()[0]
    assert meeting.conclusions.count() == 2


def test_duplicate_conclusions_are_rejected(client, world):
    meeting = make_briefing(world)
    client.force_login(world.users["staff"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("clusters:briefing_conclusions", args=[meeting.pk]),
        conclusions_data([{"ORDER": "", "text": "Việc"}, {"ORDER": "", "text": "việc"}]),
    )
    assert response.context["formset"].forms[1].errors["text"] == [
        "The same conclusion is already number 1."
    ]
    assert not meeting.conclusions.exists()


# Follow-up and overdue -----------------------------------------------------------------


def test_overdue_means_not_done_and_past_its_due_date():
    today = D(2024, 7, 1)
    assert follow_up_state("done", D(2024, 6, 30), today) == DONE
    assert follow_up_state("in_progress", D(2024, 6, 30), today) == OVERDUE
    assert follow_up_state("not_started", D(2024, 6, 30), today) == OVERDUE
    assert follow_up_state("in_progress", D(2024, 7, 1), today) == IN_PROGRESS
    assert follow_up_state("not_started", None, today) == NOT_STARTED


def test_the_matrix_has_a_row_per_cluster_and_counts_per_conclusion(world):
    other_cluster, _user = second_cluster(world)
    today = timezone.localdate()
    meeting = make_briefing(
        world,
        conclusions=[
            ("Đã quá hạn", today - datetime.timedelta(days=1)),
            ("Còn hạn", today + datetime.timedelta(days=10)),
        ],
    )
    late, later = meeting.conclusions.order_by("number")
    FollowUp.objects.create(conclusion=late, cluster=world.cluster, status="done")
    FollowUp.objects.create(
        conclusion=late, cluster=other_cluster, status="in_progress", note="Đang làm"
    )
    FollowUp.objects.create(conclusion=later, cluster=world.cluster, status="in_progress")
    assert FollowUp.objects.get(conclusion=late, cluster=other_cluster).is_overdue(today)

    matrix = follow_up_matrix(meeting, today)
    assert [row.cluster.code for row in matrix.rows] == ["cum-1", "cum-2"]
    assert [[cell.state for cell in row.cells] for row in matrix.rows] == [
        [DONE, IN_PROGRESS],
        [OVERDUE, NOT_STARTED],
    ]
    assert matrix.rows[1].cells[0].note == "Đang làm"
    assert matrix.column_counts[0] == {
        DONE: 1,
        OVERDUE: 1,
        IN_PROGRESS: 0,
        NOT_STARTED: 0,
    }


def test_follow_up_past_its_due_date_needs_a_note(client, world):
    meeting = make_briefing(
        world, conclusions=[("Việc", timezone.localdate() - datetime.timedelta(days=1))]
    )
    conclusion = meeting.conclusions.get()
    client.force_login(world.users["head_officer"])
    client.cookies["django_language"] = "en"
    url = reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code])
    response = client.post(url, {f"c{conclusion.pk}-status": "in_progress"})
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].errors["note"]
    assert not FollowUp.objects.exists()
    response = client.post(url, {f"c{conclusion.pk}-status": "not_done"})
    assert response.context["rows"][0]["form"].errors["status"]


def test_the_detail_page_shows_the_matrix_with_notes(client, world):
    today = timezone.localdate()
    meeting = make_briefing(world, conclusions=[("Việc", today - datetime.timedelta(days=3))])
    FollowUp.objects.create(
        conclusion=meeting.conclusions.get(),
        cluster=world.cluster,
        status="in_progress",
        note="Chờ kinh phí",
    )
    client.force_login(world.users["head_officer"])
    response = client.get(meeting.get_absolute_url())
    content = response.content.decode()
    assert "Chờ kinh phí" in content
    assert response.context["matrix"].rows[0].cells[0].state == OVERDUE
    assert reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code]) in content


# Dashboard -----------------------------------------------------------------------------


def test_dashboard_lists_the_heads_open_conclusions_and_the_staffs_progress(client, world):
    today = timezone.localdate()
    meeting = make_briefing(
        world,
        conclusions=[
            ("Việc đã xong", None),
            ("Việc quá hạn", today - datetime.timedelta(days=1)),
        ],
    )
    done, late = meeting.conclusions.order_by("number")
    FollowUp.objects.create(conclusion=done, cluster=world.cluster, status="done")
    client.force_login(world.users["head_officer"])
    response = client.get(reverse("dashboard"))
    items = response.context["open_conclusions"]
    assert [(item.conclusion.text, item.is_overdue) for item in items] == [("Việc quá hạn", True)]
    assert reverse("clusters:followup_edit", args=[meeting.pk, world.cluster.code]) in (
        response.content.decode()
    )

    client.force_login(world.users["staff"])
    (row,) = client.get(reverse("dashboard")).context["briefings"]
    assert row.meeting == meeting
    assert (row.counts[DONE], row.counts[OVERDUE], row.counts[NOT_STARTED]) == (1, 1, 0)

    client.force_login(world.users["unit_officer"])
    response = client.get(reverse("dashboard"))
    assert response.context["open_conclusions"] == [] and response.context["briefings"] == []


# Queries -------------------------------------------------------------------------------


def _with_follow_ups(meeting):
    clusters = meeting.organizer.organized_clusters.filter(years__year=meeting.year)
    for conclusion in meeting.conclusions.all():
        for cluster in clusters:
            FollowUp.objects.get_or_create(
                conclusion=conclusion, cluster=cluster, defaults={"status": "in_progress"}
            )


@pytest.mark.parametrize("persona", ["staff", "head_officer"])
def test_detail_page_queries_do_not_grow_with_the_clusters(client, world, persona):
    meeting = make_briefing(world, conclusions=[("Một", None), ("Hai", None)])
    client.force_login(world.users[persona])
    url = meeting.get_absolute_url()
    add_clusters(world, 2)
    _with_follow_ups(meeting)
    few = count_queries(client, url)
    add_clusters(world, 6)
    Conclusion.objects.create(meeting=meeting, number=3, text="Ba")
    _with_follow_ups(meeting)
    assert count_queries(client, url) == few


def test_list_and_dashboard_queries_do_not_grow_with_the_briefings(client, world):
    for index in range(2):
        make_briefing(world, held_on=D(world.year, 1, 2 + index), conclusions=[("Việc", None)])
    client.force_login(world.users["staff"])
    few_list = count_queries(client, reverse("clusters:briefing_list"))
    few_dashboard = count_queries(client, reverse("dashboard"))
    add_clusters(world, 4)
    for index in range(5):
        make_briefing(
            world, held_on=D(world.year, 2, 1 + index), conclusions=[("Việc", None), ("Khác", None)]
        )
    assert count_queries(client, reverse("clusters:briefing_list")) == few_list
    assert count_queries(client, reverse("dashboard")) == few_dashboard


def test_head_dashboard_queries_do_not_grow_with_the_conclusions(client, world):
    make_briefing(world, conclusions=[("Việc", None)])
    client.force_login(world.users["head_officer"])
    few = count_queries(client, reverse("dashboard"))
    for index in range(4):
        make_briefing(
            world, held_on=D(world.year, 3, 1 + index), conclusions=[("Một", None), ("Hai", None)]
        )
    assert count_queries(client, reverse("dashboard")) == few


# The notice and the demo ---------------------------------------------------------------


@pytest.fixture
def demo_briefing(db):
    seed_demo()
    return Meeting.objects.get(organizer__code="ldld-tp-phan-thiet", held_on=D(2024, 3, 27))


def test_the_demo_briefing_has_the_nine_conclusions(demo_briefing):
    conclusions = list(demo_briefing.conclusions.order_by("number"))
    assert [c.number for c in conclusions] == list(range(1, 10))
    assert conclusions[4].text == (
        "Mỗi Cụm thi đua tổ chức ít nhất 01 hoạt động văn hóa/thể thao/về nguồn."
    )
    assert conclusions[3].text.startswith("Các công đoàn cơ sở rà soát")
    assert demo_briefing.attendances.filter(present=True).count() == 9
    assert FollowUp.objects.filter(conclusion__meeting=demo_briefing).count() == 81
    assert demo_briefing.chair == "Nguyễn Văn Hùng"
    matrix = follow_up_matrix(demo_briefing, D(2025, 1, 1))
    assert [row.cluster.code for row in matrix.rows] == [f"phan-thiet-{n}" for n in range(1, 10)]
    assert matrix.totals[OVERDUE] > 0 and matrix.totals[DONE] > 60


def test_the_demo_briefing_is_read_by_lam_dong_and_phan_thiet_but_not_khanh_hoa(
    client, demo_briefing
):
    User = get_user_model()
    for username, status in [("lamdong", 200), ("tpphanthiet", 200), ("khanhhoa", 404)]:
        client.force_login(User.objects.get(username=username))
        assert client.get(demo_briefing.get_absolute_url()).status_code == status, username
    lamdong = fresh(User.objects.get(username="lamdong"))
    client.force_login(lamdong)
    url = reverse("clusters:followup_edit", args=[demo_briefing.pk, "phan-thiet-5"])
    assert client.get(url).status_code == 200  # the successor's staff
    client.force_login(User.objects.get(username="tpphanthiet"))
    assert client.get(url).status_code == 403  # ended: reads only


def test_the_notice_of_the_conclusions(client, demo_briefing, tmp_path):
    with translation.override("vi"):
        document = build_notice(demo_briefing)
    assert document.header.parent_line == "LĐLĐ TỈNH BÌNH THUẬN"
    assert document.header.issuer_line == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ PHAN THIẾT"
    assert document.subtitle_lines == [
        "Kết luận của đồng chí Chủ trì tại Hội nghị giao ban các Cụm thi đua quý I năm 2024"
    ]
    assert (document.signature.on_behalf, document.signature.title) == (
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
    )
    client.force_login(get_user_model().objects.get(username="lamdong"))
    response = client.get(reverse("clusters:briefing_pdf", args=[demo_briefing.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "thong-bao.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    for expected in [
        "THÔNG BÁO",
        "Phan Thiết, ngày 27 tháng 3 năm 2024",
        "Kết luận của đồng chí Chủ trì tại Hội nghị giao ban các Cụm thi đua quý I năm 2024",
        "5. Mỗi Cụm thi đua tổ chức ít nhất 01 hoạt động văn hóa/thể thao/về nguồn.",
        "Tham dự Hội nghị có 09 đồng chí Cụm trưởng",
        "Nguyễn Văn Hùng",
        "Nơi nhận:",
        "Lưu: VT.",
    ]:
        assert expected in text, expected
    preview = client.get(reverse("clusters:briefing_preview", args=[demo_briefing.pk]))
    assert "Mỗi Cụm thi đua tổ chức ít nhất 01 hoạt động" in preview.content.decode()
