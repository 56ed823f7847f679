"""A first year from paper: a totals-only programme (totals and classifications typed in the
grid or imported, one row per unit, stale rows refused), indicator figures given only for the
cluster or with a qualifier, and a year recorded afterwards."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clusters.documents.admin_format import header_for
from clusters.models import (
    AnnualResult,
    CapBasis,
    CapRounding,
    ClusterFigure,
    Indicator,
    IndicatorValue,
    Level,
    Qualifier,
    ResultStatus,
)
from clusters.services import cluster_standings, result_for, save_result, submit_result
from clusters.services.figures import figure_totals, qualified, save_cluster_figures
from clusters.services.results import set_recorded_afterwards
from clusters.services.totals import (
    TOTALS_SHEET,
    TypedRow,
    build_totals_template,
    import_totals,
    save_typed_totals,
)
from tests.clusters.test_results import bt1  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def paper(bt1):  # noqa: F811
    """bt1 with a totals-only programme: the head (Bắc Bình) verifies every other unit."""
    bt1.program.totals_only = True
    bt1.program.save()
    bt1.others = {
        bt1.units[c].pk
        for c in ["ldld-tuy-phong", "ldld-ham-thuan-bac", "ldld-phu-quy", "ldld-tp-phan-thiet"]
    }
    return bt1


def fill(workbook_bytes, values: dict[str, tuple]):
    """The template with (total, classification, note) written in per unit code."""
    workbook = load_workbook(BytesIO(workbook_bytes))
    sheet = workbook[TOTALS_SHEET]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        if code in values:
            total, level, note = values[code]
            row[2].value, row[3].value, row[4].value = total, level, note
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_typed_totals_are_the_verified_totals_and_rank_the_units(paper):
    w = paper
    rows = [
        TypedRow(w.units["ldld-tuy-phong"].pk, Decimal("99"), Level.EXCELLENT, "", 0),
        TypedRow(w.units["ldld-tp-phan-thiet"].pk, Decimal("97.5"), Level.GOOD, "", 0),
        TypedRow(w.units["ldld-phu-quy"].pk, None, Level.NONE, "đang củng cố", 0),
    ]
    report = save_typed_totals(w.cluster_year, rows, by=w.head, can_verify_org_ids=w.others)
    assert report.ok and report.changed == 3
    standings = cluster_standings(w.cluster_year)
    tuy_phong = standings.row_for(w.units["ldld-tuy-phong"].pk)
    assert (tuy_phong.verified_total, tuy_phong.self_total, tuy_phong.level) == (
        Decimal("99"),
        None,
        Level.EXCELLENT,
    )
    assert tuy_phong.rank == 1
    assert standings.row_for(w.units["ldld-tp-phan-thiet"].pk).rank == 2
    phu_quy = standings.row_for(w.units["ldld-phu-quy"].pk)
    assert (phu_quy.rank, phu_quy.level, phu_quy.result.note) == (None, Level.NONE, "đang củng cố")
    assert phu_quy.result.status == ResultStatus.VERIFIED
    assert AnnualResult.objects.get(organization=w.units["ldld-tuy-phong"]).verified_by == w.head


def test_the_head_types_its_own_units_row_for_the_staff_to_verify(paper):
    """The head's own unit never verifies itself: its typed row waits as submitted, and the
    organiser's staff verify it as typed by saving it."""
    w = paper
    own = w.units["ldld-bac-binh"].pk
    row = TypedRow(own, Decimal(95), Level.GOOD, "", 0)
    # Neither verifying nor entering it: refused and named.
    report = save_typed_totals(w.cluster_year, [row], by=w.head, can_verify_org_ids=w.others)
    assert not report.ok and "Bắc Bình" in report.errors[0]
    assert not AnnualResult.objects.filter(organization_id=own).exists()

    report = save_typed_totals(
        w.cluster_year, [row], by=w.head, can_verify_org_ids=w.others, can_enter_org_ids={own}
    )
    assert report.ok and (report.changed, report.awaiting_staff) == (1, 1)
    result = AnnualResult.objects.get(organization_id=own)
    assert (result.status, result.self_total, result.verified_total, result.level) == (
        ResultStatus.SUBMITTED,
        Decimal(95),
        None,
        Level.GOOD,
    )
    # Saved by the staff without confirming it: nothing changes.
    unconfirmed = TypedRow(own, Decimal(95), Level.GOOD, "", result.version)
    report = save_typed_totals(
        w.cluster_year, [unconfirmed], by=w.staff, can_verify_org_ids={own, *w.others}
    )
    assert report.ok and report.changed == 0
    # Confirmed as it stands: verified.
    report = save_typed_totals(
        w.cluster_year,
        [TypedRow(own, Decimal(95), Level.GOOD, "", result.version, confirm=True)],
        by=w.staff,
        can_verify_org_ids={own, *w.others},
    )
    assert report.ok and report.changed == 1
    result.refresh_from_db()
    assert (result.status, result.verified_total, result.verified_by) == (
        ResultStatus.VERIFIED,
        Decimal(95),
        w.staff,
    )
    assert cluster_standings(w.cluster_year).row_for(own).rank == 1


def _typed(w, levels: dict[str, str]):
    return [
        TypedRow(w.units[code].pk, None if level == Level.NONE else Decimal(90), level, "", 0)
        for code, level in levels.items()
    ]


@pytest.mark.parametrize(
    "basis, rounding, accepted",
    [
        # 20 % of all 5 members = 1 unit, either rounding.
        (CapBasis.MEMBERS, CapRounding.DOWN, True),
        (CapBasis.MEMBERS, CapRounding.NEAREST, True),
        # 20 % of the 4 classified (one KXL) = 0,8: down → 0, nearest → 1.
        (CapBasis.CLASSIFIED, CapRounding.DOWN, False),
        (CapBasis.CLASSIFIED, CapRounding.NEAREST, True),
    ],
)
def test_typed_classifications_keep_to_the_programmes_cap(paper, basis, rounding, accepted):
    w = paper
    w.program.cap_basis, w.program.cap_rounding = basis, rounding
    w.program.save()
    rows = _typed(
        w,
        {
            "ldld-tuy-phong": Level.EXCELLENT,
            "ldld-tp-phan-thiet": Level.GOOD,
            "ldld-ham-thuan-bac": Level.GOOD,
            "ldld-phu-quy": Level.NONE,
        },
    )
    report = save_typed_totals(w.cluster_year, rows, by=w.head, can_verify_org_ids=w.others)
    assert report.ok
    if accepted:
        assert not report.beyond_cap and report.changed == 4
        return
    # Not refused: a warning asking for the reason, and nothing written meanwhile.
    assert "HTXSNV" in report.beyond_cap and "4" in report.beyond_cap
    assert report.changed == 0
    assert not AnnualResult.objects.filter(cluster_year=w.cluster_year).exists()
    report = save_typed_totals(
        w.cluster_year,
        rows,
        by=w.head,
        can_verify_org_ids=w.others,
        cap_reason="Quyết định số 15/QĐ-LĐLĐ",
    )
    assert report.ok and not report.beyond_cap and report.changed == 4
    tuy_phong = AnnualResult.objects.get(organization=w.units["ldld-tuy-phong"])
    assert tuy_phong.level == Level.EXCELLENT
    reason = tuy_phong.history.first().history_change_reason
    assert reason.startswith("Vượt giới hạn") and "Quyết định số 15/QĐ-LĐLĐ" in reason
    # The others keep the plain reason.
    good = AnnualResult.objects.get(organization=w.units["ldld-tp-phan-thiet"])
    assert "Vượt" not in good.history.first().history_change_reason


def test_a_second_top_level_beyond_the_cap_asks_once_and_a_note_alone_never_asks(paper):
    w = paper  # 20 % of all 5 members: 1 unit
    save_typed_totals(
        w.cluster_year,
        _typed(w, {"ldld-tuy-phong": Level.EXCELLENT}),
        by=w.head,
        can_verify_org_ids=w.others,
    )
    second = _typed(w, {"ldld-tp-phan-thiet": Level.EXCELLENT})
    report = save_typed_totals(w.cluster_year, second, by=w.head, can_verify_org_ids=w.others)
    assert report.beyond_cap and report.changed == 0
    report = save_typed_totals(
        w.cluster_year, second, by=w.head, can_verify_org_ids=w.others, cap_reason="Theo QĐ 9"
    )
    assert report.changed == 1
    # Over the cap already: a note changed on a top-level row does not ask again.
    result = AnnualResult.objects.get(organization=w.units["ldld-tuy-phong"])
    report = save_typed_totals(
        w.cluster_year,
        [TypedRow(result.organization_id, Decimal(90), Level.EXCELLENT, "Báo cáo", result.version)],
        by=w.head,
        can_verify_org_ids=w.others,
    )
    assert report.ok and not report.beyond_cap and report.changed == 1


def test_marking_a_unit_not_classified_on_the_classified_basis_asks_when_it_lowers_the_cap(
    paper,
):
    w = paper  # 20 % of the classified units, rounded down
    w.program.cap_basis = CapBasis.CLASSIFIED
    w.program.save()
    save_typed_totals(
        w.cluster_year,
        _typed(w, {"ldld-tuy-phong": Level.EXCELLENT, "ldld-phu-quy": Level.GOOD}),
        by=w.head,
        can_verify_org_ids=w.others,
    )  # 5 classified: 1 unit at the top
    result = AnnualResult.objects.get(organization=w.units["ldld-phu-quy"])
    kxl = [TypedRow(result.organization_id, None, Level.NONE, "đang củng cố", result.version)]
    report = save_typed_totals(w.cluster_year, kxl, by=w.head, can_verify_org_ids=w.others)
    assert report.beyond_cap and report.changed == 0  # 4 classified: none at the top
    report = save_typed_totals(
        w.cluster_year, kxl, by=w.head, can_verify_org_ids=w.others, cap_reason="Theo QĐ 3"
    )
    assert report.changed == 1
    result.refresh_from_db()
    assert "Theo QĐ 3" in result.history.first().history_change_reason


def test_an_import_beyond_the_cap_takes_one_reason_for_the_file(paper):
    w = paper
    w.program.cap_basis = CapBasis.CLASSIFIED
    w.program.save()
    filled = fill(
        build_totals_template(w.cluster_year),
        {
            "ldld-tuy-phong": (99, "HTXSNV", None),
            "ldld-tp-phan-thiet": (98, "HTXSNV", None),
            "ldld-phu-quy": (None, "KXL", "đang củng cố"),
        },
    )
    report = import_totals(w.cluster_year, filled, by=w.head, can_verify_org_ids=w.others)
    assert report.ok and report.beyond_cap and report.changed == 0
    report = import_totals(
        w.cluster_year,
        filled,
        by=w.head,
        can_verify_org_ids=w.others,
        cap_reason="Hội nghị cụm đã thống nhất",
    )
    assert report.ok and report.changed == 3
    reasons = [
        AnnualResult.objects.get(organization=w.units[code]).history.first().history_change_reason
        for code in ["ldld-tuy-phong", "ldld-tp-phan-thiet"]
    ]
    assert all("Hội nghị cụm đã thống nhất" in reason for reason in reasons)


def test_the_grid_asks_for_the_reason_beyond_the_cap_and_keeps_what_was_typed(paper, client):
    w = paper
    client.force_login(w.head)
    url = reverse("clusters:results_typed", args=["bt-1", 2024])
    data = {}
    for code in ["ldld-tuy-phong", "ldld-tp-phan-thiet"]:
        pk = w.units[code].pk
        data.update({f"u{pk}-total": "95", f"u{pk}-level": Level.EXCELLENT, f"u{pk}-version": "0"})
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="beyond-cap"' in page and 'name="cap_reason"' in page
    assert not AnnualResult.objects.filter(cluster_year=w.cluster_year).exists()
    response = client.post(url, {**data, "cap_reason": "Theo Quyết định số 7"})
    assert response.status_code == 302
    assert (
        AnnualResult.objects.filter(cluster_year=w.cluster_year, level=Level.EXCELLENT).count() == 2
    )


def test_a_totals_only_import_is_accepted_then_a_stale_row_refuses_the_whole_file(paper):
    w = paper
    template = build_totals_template(w.cluster_year)
    filled = fill(
        template,
        {
            "ldld-tuy-phong": (99, "HTXSNV", "Báo cáo số 12"),
            "ldld-tp-phan-thiet": ("97,5", "Hoàn thành tốt nhiệm vụ", None),
            "ldld-ham-thuan-bac": (90, "HTNV", None),
            "ldld-phu-quy": (None, "KXL", "đang củng cố"),
        },
    )
    report = import_totals(w.cluster_year, filled, by=w.head, can_verify_org_ids=w.others)
    assert report.ok, report.errors
    assert report.changed == 4
    levels = {
        r.organization.code: (r.verified_total, r.level)
        for r in AnnualResult.objects.filter(cluster_year=w.cluster_year)
    }
    assert levels["ldld-tp-phan-thiet"] == (Decimal("97.5"), Level.GOOD)
    assert levels["ldld-phu-quy"] == (None, Level.NONE)

    # A template built now, then a colleague changes Hàm Thuận Bắc: the file is stale there.
    template = build_totals_template(w.cluster_year)
    save_typed_totals(
        w.cluster_year,
        [
            TypedRow(
                w.units["ldld-ham-thuan-bac"].pk,
                Decimal(91),
                Level.COMPLETED,
                "",
                AnnualResult.objects.get(organization=w.units["ldld-ham-thuan-bac"]).version,
            )
        ],
        by=w.staff,
        can_verify_org_ids=w.others,
    )
    filled = fill(
        template,
        {
            "ldld-tuy-phong": (98, "HTXSNV", "Báo cáo số 12"),
            "ldld-ham-thuan-bac": (88, "HTNV", None),
        },
    )
    report = import_totals(w.cluster_year, filled, by=w.head, can_verify_org_ids=w.others)
    assert not report.ok
    assert len(report.errors) == 1
    # Hàm Thuận Bắc is the 4th member in the template: sheet and row are named.
    assert re.match(r"Sheet Tổng điểm, dòng \d+: ", report.errors[0])
    assert "Hàm Thuận Bắc" in report.errors[0]
    # All or nothing: Tuy Phong's row, right in itself, was not written either.
    tuy_phong = AnnualResult.objects.get(organization=w.units["ldld-tuy-phong"])
    assert tuy_phong.verified_total == Decimal(99)


def test_the_import_names_a_bad_classification_by_row(paper):
    w = paper
    filled = fill(build_totals_template(w.cluster_year), {"ldld-phu-quy": (80, "Khá", None)})
    report = import_totals(w.cluster_year, filled, by=w.head, can_verify_org_ids=w.others)
    assert not report.ok
    assert re.match(r"Sheet Tổng điểm, dòng \d+: ", report.errors[0])
    assert "Khá" in report.errors[0]


def test_the_grid_saves_typed_totals_through_the_page(paper, client):
    w = paper
    client.force_login(w.head)
    url = reverse("clusters:results_typed", args=["bt-1", 2024])
    page = client.get(url)
    assert page.status_code == 200
    grid = client.get(reverse("clusters:results", args=["bt-1", 2024])).content.decode()
    assert url in grid  # "Nhập tổng điểm"
    assert reverse("clusters:results_verify_all", args=["bt-1", 2024]) not in grid
    tuy = w.units["ldld-tuy-phong"].pk
    response = client.post(
        url,
        {
            f"u{tuy}-total": "98,5",
            f"u{tuy}-level": Level.EXCELLENT,
            f"u{tuy}-note": "",
            f"u{tuy}-version": "0",
        },
    )
    assert response.status_code == 302
    result = AnnualResult.objects.get(organization_id=tuy)
    assert (result.verified_total, result.level) == (Decimal("98.5"), Level.EXCELLENT)
    # The same page posted again from the old version: refused, nothing changed.
    response = client.post(
        url,
        {
            f"u{tuy}-total": "90",
            f"u{tuy}-level": Level.GOOD,
            f"u{tuy}-version": "0",
        },
    )
    assert response.status_code == 200
    assert "Tuy Phong" in response.content.decode()
    result.refresh_from_db()
    assert result.verified_total == Decimal("98.5")


def _indicator(w, code):
    return Indicator.objects.get(program=w.program, code=code)


def test_a_cluster_figure_is_used_when_the_units_have_none_and_ignored_when_they_have_some(bt1):  # noqa: F811
    w = bt1
    members = _indicator(w, "DV_TONG")
    save_cluster_figures(
        w.cluster_year,
        {members.pk: {"actual": Decimal(1200), "qualifier": Qualifier.OVER}},
        by=w.head,
    )
    assert ClusterFigure.objects.get().qualifier == Qualifier.OVER
    totals = figure_totals(w.cluster_year, [members], set())
    assert totals[members.pk].source == "cluster"
    assert totals[members.pk].actual_text == "trên 1.200"

    result = result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)
    save_result(
        result=result,
        by=w.phu_quy,
        base_version=result.version,
        figures={members.pk: {"actual": Decimal(300)}},
    )
    other = result_for(w.cluster_year, w.units["ldld-tuy-phong"], by=w.tuy_phong)
    save_result(
        result=other,
        by=w.tuy_phong,
        base_version=other.version,
        figures={members.pk: {"actual": Decimal(450)}},
    )
    totals = figure_totals(w.cluster_year, [members], {result.pk, other.pk})
    assert (totals[members.pk].source, totals[members.pk].actual_text) == ("units", "750")


def test_a_qualifier_is_kept_with_the_units_figure_and_carried_into_the_sum(bt1):  # noqa: F811
    w = bt1
    members = _indicator(w, "DV_TONG")
    result = result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)
    value = IndicatorValue.objects.create(
        result=result, indicator=members, actual=Decimal(500), qualifier=Qualifier.NEARLY
    )
    value.refresh_from_db()
    assert value.qualifier == Qualifier.NEARLY
    totals = figure_totals(w.cluster_year, [members], {result.pk})
    assert totals[members.pk].actual_text == "gần 500"
    other = result_for(w.cluster_year, w.units["ldld-tuy-phong"], by=w.tuy_phong)
    IndicatorValue.objects.create(
        result=other, indicator=members, actual=Decimal(700), qualifier=Qualifier.OVER
    )
    totals = figure_totals(w.cluster_year, [members], {result.pk, other.pk})
    assert totals[members.pk].actual_text == "khoảng 1.200"
    assert qualified(Decimal(1200), "") == "1.200"


def test_the_figures_page_saves_the_clusters_figure(bt1, client):  # noqa: F811
    w = bt1
    members = _indicator(w, "DV_TONG")
    client.force_login(w.head)
    url = reverse("clusters:cluster_figures", args=["bt-1", 2024])
    response = client.post(
        url,
        {
            f"i{members.pk}-actual": "1.200",
            f"i{members.pk}-qualifier": "over",
            f"i{members.pk}-note": "Báo cáo của Cụm",
        },
    )
    assert response.status_code == 302
    figure = ClusterFigure.objects.get(indicator=members)
    assert (figure.actual, figure.qualifier, figure.note) == (
        Decimal(1200),
        Qualifier.OVER,
        "Báo cáo của Cụm",
    )
    assert "trên 1.200" in client.get(url).content.decode()
    client.force_login(w.phu_quy)
    assert client.post(url, {f"i{members.pk}-actual": "5"}).status_code == 403


def test_a_year_recorded_afterwards_flags_nothing_late_and_is_dated_by_its_events(bt1, client):  # noqa: F811
    w = bt1
    w.program.self_assessment_deadline = D(2024, 11, 30)
    w.program.save()
    client.force_login(w.staff)
    url = reverse("clusters:recorded_afterwards", args=["bt-1", 2024])
    assert client.post(url, {"recorded_afterwards": "1", "note": ""}).status_code == 302
    w.cluster_year.refresh_from_db()
    assert not w.cluster_year.recorded_afterwards  # a reason is needed
    client.post(url, {"recorded_afterwards": "1", "note": "Nhập lại từ hồ sơ giấy"})
    w.cluster_year.refresh_from_db()
    assert w.cluster_year.recorded_afterwards

    result = result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)
    for criterion in w.table.criteria:
        if not criterion.is_computed and criterion.section.kind == "score":
            save_result(
                result=result,
                by=w.phu_quy,
                base_version=AnnualResult.objects.get(pk=result.pk).version,
                scores={criterion.pk: {"self_score": criterion.max_points}},
                table=w.table,
            )
    result.refresh_from_db()
    for criterion in w.table.criteria:
        if criterion.is_computed:
            save_result(
                result=result,
                by=w.phu_quy,
                base_version=result.version,
                figures={criterion.indicator_id: {"target": Decimal(1), "actual": Decimal(1)}},
                table=w.table,
            )
            result.refresh_from_db()
    assert timezone.localdate() > D(2024, 11, 30)
    submitted = submit_result(result, by=w.phu_quy)
    assert submitted.submitted_late is False
    # Its papers are dated by its events: the year's last day without a review meeting.
    assert header_for(w.cluster_year).date == D(2024, 12, 31)

    client.force_login(w.head)
    assert client.post(url, {"recorded_afterwards": "1", "note": "x"}).status_code == 403


def _posted(form) -> dict:
    """What the browser posts for a form as it is shown."""
    data = {}
    for bound in form:
        value = bound.value()
        if bound.field.disabled or value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    return data


def test_a_unit_keeps_a_qualifier_with_its_figure_in_its_form(bt1, client):  # noqa: F811
    w = bt1
    members = _indicator(w, "DV_TONG")
    client.force_login(w.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    data = _posted(client.get(url).context["form"])
    data |= {f"actual_{members.pk}": "1.200", f"qualifier_{members.pk}": Qualifier.OVER}
    assert client.post(url, data).status_code == 302
    value = IndicatorValue.objects.get(
        indicator=members, result__organization=w.units["ldld-phu-quy"]
    )
    assert (value.actual, value.qualifier) == (Decimal(1200), Qualifier.OVER)
    page = client.get(url)
    assert page.context["form"][f"qualifier_{members.pk}"].value() == Qualifier.OVER


def test_the_typed_grid_is_only_for_a_totals_only_year(bt1, client):  # noqa: F811
    client.force_login(bt1.head)
    assert client.get(reverse("clusters:results_typed", args=["bt-1", 2024])).status_code == 404


def test_a_year_recorded_afterwards_gets_no_deadline_reminder(bt1):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    w = bt1
    w.program.self_assessment_deadline = D(2024, 11, 30)
    w.program.save()
    result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)  # a draft
    set_recorded_afterwards(w.cluster_year, value=True, note="Nhập lại từ hồ sơ giấy", by=w.staff)

    def run(day):
        call_command("send_reminders", "--date", day.isoformat(), stdout=StringIO())

    run(D(2024, 12, 5))  # past the deadline: a year being run would be reminded now
    assert not w.phu_quy.notifications.exists()
    set_recorded_afterwards(w.cluster_year, value=False, note="", by=w.staff)
    run(D(2024, 12, 6))
    assert w.phu_quy.notifications.count() == 1


def test_a_member_reads_its_typed_classification_on_its_own_form(paper, client):
    """A year from paper, before the review: the member's form shows the classification typed
    for it, though it is shown neither its rank nor the others' (no standings read)."""
    w = paper
    row = TypedRow(w.units["ldld-phu-quy"].pk, Decimal("96"), Level.GOOD, "", 0)
    assert save_typed_totals(w.cluster_year, [row], by=w.head, can_verify_org_ids=w.others).ok
    client.force_login(w.phu_quy)
    response = client.get(reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"]))
    assert response.context["row"] is None and response.context["see_all"] is False
    assert re.search(
        r"typed-total.*<strong>96</strong>.*<strong>HTTNV</strong>", response.content.decode(), re.S
    )
