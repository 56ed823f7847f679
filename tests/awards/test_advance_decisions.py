"""Events in the order they happened: a decision of the body above recorded before the review
meeting creates the nominations, marked as decided in advance; the head records the handover
at the meeting instead of a vote; the summary and the minutes – PDF and Word – print them as
conferred with their decision, and never cite a decision dated after the report. And a
totals-only year's summary with a figure given only for the cluster, with its qualifier."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from awards.documents.minutes import TEMPLATE as MINUTES
from awards.documents.minutes import build_minutes
from awards.documents.summary import TEMPLATE as SUMMARY
from awards.documents.summary import build_summary
from awards.models import Award, Nomination, NominationStatus, VoteMode
from awards.services.advance import record_advance_decision, record_handover
from awards.services.approval import approve, record_decision, save_proposal, submit
from awards.services.votes import nominate_chosen, record_secret_ballot, start_vote
from clusters.models import Indicator, IndicatorValue, Level, Qualifier
from clusters.services.figures import save_cluster_figures
from clusters.services.meetings import adopt_summary, close_meeting, elect, save_attendance
from clusters.services.totals import TypedRow, save_typed_totals
from emulation.documents.docx import render_docx
from emulation.documents.pdf import render_pdf
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date
ALL = [
    "ldld-bac-binh",
    "ldld-tuy-phong",
    "ldld-ham-thuan-bac",
    "ldld-phu-quy",
    "ldld-tp-phan-thiet",
]


def pdf_words(template, document, tmp_path) -> str:
    import subprocess

    path = tmp_path / "doc.pdf"
    path.write_bytes(render_pdf(template, {"document": document}))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def docx_words(template, document) -> str:
    docx = Document(BytesIO(render_docx(template, {"document": document})))
    parts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())


def run_meeting(w, *, handover=True):
    save_attendance(w.meeting, {w.units[c].pk: {"present": True} for c in ALL}, by=w.head)
    adopt_summary(
        w.meeting,
        achievements="Hoàn thành các chỉ tiêu.",
        limitations="",
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
    (w.flag_nomination,), _ = nominate_chosen(w.meeting, w.flag, by=w.head)
    elect(
        w.meeting,
        head=w.units["ldld-tuy-phong"],
        deputy=w.units["ldld-ham-thuan-bac"],
        handover_on=D(2024, 12, 14),
        by=w.head,
    )
    if handover:
        record_handover(w.meeting, w.certificate, by=w.head)
    close_meeting(w.meeting, by=w.head)
    w.cluster_year.refresh_from_db()


@pytest.fixture
def decided(review):  # noqa: F811
    """The province's certificate of merit decided for Phan Thiết on 10/12/2024, before the
    review of 14/12/2024."""
    w = review
    w.decision = record_advance_decision(
        w.cluster_year,
        award_type=w.certificate,
        organizations=[w.units["ldld-tp-phan-thiet"]],
        number="12/QĐ-LĐLĐ",
        signed_on=D(2024, 12, 10),
        signer="Lê Thị Hoa",
        by=w.staff,
    )
    return w


def test_a_decision_before_the_meeting_creates_its_nominations_and_awards(decided):
    w = decided
    nomination = Nomination.objects.get(cluster_year=w.cluster_year, award_type=w.certificate)
    assert nomination.organization == w.units["ldld-tp-phan-thiet"]
    assert nomination.decided_in_advance
    assert nomination.status == NominationStatus.AWARDED
    award = Award.objects.get(nomination=nomination)
    assert (award.decision.number, award.decision.signed_on) == ("12/QĐ-LĐLĐ", D(2024, 12, 10))
    # The same decision for another unit completes it rather than duplicating it.
    record_advance_decision(
        w.cluster_year,
        award_type=w.certificate,
        organizations=[w.units["ldld-phu-quy"]],
        number="12/QĐ-LĐLĐ",
        signed_on=D(2024, 12, 10),
        signer="Lê Thị Hoa",
        by=w.staff,
    )
    assert Award.objects.filter(decision=w.decision).count() == 2


def test_a_decision_dated_after_the_meeting_or_by_the_head_is_refused(review):  # noqa: F811
    w = review
    with pytest.raises(ValidationError):
        record_advance_decision(
            w.cluster_year,
            award_type=w.certificate,
            organizations=[w.units["ldld-tp-phan-thiet"]],
            number="13/QĐ-LĐLĐ",
            signed_on=D(2024, 12, 20),
            signer="Lê Thị Hoa",
            by=w.staff,
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_advance_decision(
            w.cluster_year,
            award_type=w.certificate,
            organizations=[w.units["ldld-tp-phan-thiet"]],
            number="13/QĐ-LĐLĐ",
            signed_on=D(2024, 12, 1),
            signer="Lê Thị Hoa",
            by=w.head,
        )
    assert not Nomination.objects.exists()


def test_the_meeting_hands_the_award_over_instead_of_a_vote(decided):
    w = decided
    save_attendance(w.meeting, {w.units[c].pk: {"present": True} for c in ALL}, by=w.head)
    with pytest.raises(ValidationError, match="record its handover|ghi nhận việc trao"):
        start_vote(
            w.meeting,
            award_type=w.certificate,
            mode=VoteMode.OPEN,
            candidates=[w.units["ldld-tp-phan-thiet"]],
            by=w.head,
        )
    adopt_summary(w.meeting, achievements="A", limitations="", directions="B", by=w.head)
    elect(
        w.meeting,
        head=w.units["ldld-tuy-phong"],
        deputy=w.units["ldld-ham-thuan-bac"],
        handover_on=D(2024, 12, 14),
        by=w.head,
    )
    # Not closed while the award decided before it is not handed over.
    with pytest.raises(ValidationError, match="Phan Thiết"):
        close_meeting(w.meeting, by=w.head)
    (handed,) = record_handover(w.meeting, w.certificate, by=w.head)
    assert handed.handed_over_at == w.meeting
    close_meeting(w.meeting, by=w.head)


def test_the_vote_page_offers_the_handover_and_the_head_records_it(decided, client):
    w = decided
    save_attendance(w.meeting, {w.units[c].pk: {"present": True} for c in ALL}, by=w.head)
    client.force_login(w.head)
    page = client.get(reverse("awards:meeting_vote", args=["bt-1", 2024, w.meeting.pk]))
    html = page.content.decode()
    assert "12/QĐ-LĐLĐ" in html and f'id="handover-{w.certificate.pk}"' in html
    # The form is not offered for a vote.
    assert (
        page.context["form"].fields["award_type"].queryset.filter(pk=w.certificate.pk).count() == 0
    )
    response = client.post(
        reverse("awards:meeting_handover", args=["bt-1", 2024, w.meeting.pk]),
        {"award_type": w.certificate.pk},
    )
    assert response.status_code == 302
    assert Nomination.objects.get(award_type=w.certificate).handed_over_at == w.meeting


def test_the_staff_record_the_decision_on_its_page(review, client):  # noqa: F811
    w = review
    client.force_login(w.staff)
    url = reverse("awards:advance_decision", args=["bt-1", 2024])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "award_type": w.certificate.pk,
            "organizations": [w.units["ldld-tp-phan-thiet"].pk],
            "number": "12/QĐ-LĐLĐ",
            "signed_on": "10/12/2024",
            "signer": "Lê Thị Hoa",
        },
    )
    assert response.status_code == 302
    assert Nomination.objects.get(award_type=w.certificate).decided_in_advance


def test_summary_and_minutes_print_the_handover_with_its_decision_and_no_later_one(
    decided, tmp_path
):
    w = decided
    run_meeting(w)
    # The flag is decided after the review (10/01/2025): it stays a proposal in its papers.
    save_proposal(
        w.cluster_year, by=w.head, number="05/TTr-CTĐ", issued_on=D(2024, 12, 16), signer="An"
    )
    submit(w.cluster_year, by=w.head)
    approve(Nomination.objects.get(pk=w.flag_nomination.pk), by=w.staff)
    record_decision(
        organizer=w.province,
        year=2024,
        number="15/QĐ-LĐLĐ",
        signed_on=D(2025, 1, 10),
        signer="Lê Thị Hoa",
        nominations=[w.flag_nomination],
        by=w.staff,
    )
    summary = build_summary(w.cluster_year)
    assert [(c.name, c.decision, c.handed_over) for c in summary.conferred] == [
        (
            "Liên đoàn Lao động thành phố Phan Thiết",
            "Quyết định số 12/QĐ-LĐLĐ ngày 10/12/2024",
            True,
        )
    ]
    assert [line.name for group in summary.awards for line in group.lines] == [
        "Liên đoàn Lao động huyện Tuy Phong"
    ]
    minutes = build_minutes(w.cluster_year)
    assert [c.decision for c in minutes.conferred] == ["Quyết định số 12/QĐ-LĐLĐ ngày 10/12/2024"]
    assert [n.name for n in minutes.nominations] == ["Liên đoàn Lao động huyện Tuy Phong"]
    for template, document in ((SUMMARY, summary), (MINUTES, minutes)):
        for text in (pdf_words(template, document, tmp_path), docx_words(template, document)):
            assert (
                "“Bằng khen của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động thành phố Phan "
                "Thiết (Quyết định số 12/QĐ-LĐLĐ ngày 10/12/2024) – đã trao" in text
            )
            assert (
                "Tặng “Cờ thi đua của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động huyện Tuy Phong"
                in text
            )
            assert "15/QĐ-LĐLĐ" not in text  # dated after the report


@pytest.fixture
def paper_review(review):  # noqa: F811
    """bt1 2024 as a totals-only year (Phú Quý not classified), the cluster's own figure of
    members "trên 1.200", Tuy Phong's new members "gần 150", its review held and closed."""
    w = review
    w.program.totals_only = True
    w.program.save()
    typed = {
        "ldld-tuy-phong": (Decimal("99"), Level.EXCELLENT),
        "ldld-tp-phan-thiet": (Decimal("97.5"), Level.GOOD),
        "ldld-ham-thuan-bac": (Decimal("95"), Level.GOOD),
        "ldld-phu-quy": (None, Level.NONE),
    }
    versions = {r.organization_id: r.version for r in w.cluster_year.results.all()}
    report = save_typed_totals(
        w.cluster_year,
        [
            TypedRow(w.units[c].pk, total, level, "", versions.get(w.units[c].pk, 0))
            for c, (total, level) in typed.items()
        ],
        by=w.head,
        can_verify_org_ids={w.units[c].pk for c in typed},
    )
    assert report.ok, report.errors
    report = save_typed_totals(
        w.cluster_year,
        [
            TypedRow(
                w.units["ldld-bac-binh"].pk,
                Decimal("96"),
                Level.GOOD,
                "",
                versions[w.units["ldld-bac-binh"].pk],
            )
        ],
        by=w.staff,
        can_verify_org_ids={w.units["ldld-bac-binh"].pk},
    )
    assert report.ok, report.errors
    # The demo-like figures of the units are gone from a paper year; only the cluster's own.
    IndicatorValue.objects.filter(result__cluster_year=w.cluster_year).delete()
    members = Indicator.objects.get(program=w.program, code="DV_TONG")
    save_cluster_figures(
        w.cluster_year,
        {members.pk: {"actual": Decimal(1200), "qualifier": Qualifier.OVER}},
        by=w.head,
    )
    new_members = Indicator.objects.get(program=w.program, code="DV_MOI")
    IndicatorValue.objects.create(
        result=w.cluster_year.results.get(organization=w.units["ldld-tuy-phong"]),
        indicator=new_members,
        target=Decimal(120),
        actual=Decimal(150),
        qualifier=Qualifier.NEARLY,
    )
    run_meeting(w, handover=False)
    return w


def test_a_totals_only_years_summary_prints_its_totals_and_a_qualified_figure(
    paper_review, tmp_path
):
    w = paper_review
    summary = build_summary(w.cluster_year)
    assert summary.totals_only
    assert summary.union_members_total == "trên 1.200"
    for text in (pdf_words(SUMMARY, summary, tmp_path), docx_words(SUMMARY, summary)):
        assert "trên 1.200 đoàn viên" in text
        assert "Liên đoàn Lao động huyện Tuy Phong 99 HTXSNV 1" in text
        assert "Liên đoàn Lao động thành phố Phan Thiết 97,5 HTTNV 2" in text
        assert "Điểm tự chấm" not in text
        assert "Liên đoàn Lao động huyện Phú Quý KXL" in text
        # The unit's "gần 150" of a target of 120: the share is approximate too.
        assert "Đoàn viên kết nạp mới" in text
        assert "120 gần 150" in text and "gần 125" in text


def test_a_totals_only_year_prints_in_every_document(paper_review, tmp_path):
    from awards.documents.achievement import TEMPLATE as ACHIEVEMENT
    from awards.documents.achievement import build_achievement
    from clusters.documents.results import TEMPLATE as RESULTS
    from clusters.documents.results import build_results

    w = paper_review
    minutes = build_minutes(w.cluster_year)
    achievement = build_achievement(w.cluster_year, w.units["ldld-tuy-phong"])
    results = build_results(w.cluster_year)
    for template, document in ((MINUTES, minutes), (ACHIEVEMENT, achievement)):
        for text in (pdf_words(template, document, tmp_path), docx_words(template, document)):
            assert "Liên đoàn Lao động huyện Tuy Phong" in text
            assert "99" in text and "HTXSNV" in text
            assert "tự chấm" not in text.lower()
    text = pdf_words(ACHIEVEMENT, achievement, tmp_path)
    assert "Tổng điểm thi đua năm 2024 đạt 99 điểm" in text
    assert "gần 150" in text
    text = pdf_words(MINUTES, minutes, tmp_path)
    assert "Liên đoàn Lao động huyện Phú Quý KXL" in text
    text = pdf_words(RESULTS, results, tmp_path)
    assert "Tự chấm" not in text and "Liên đoàn Lao động huyện Tuy Phong 99 HTXSNV 1" in text
