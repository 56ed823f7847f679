"""The summary report's second pass (issue 19): the organiser's guests and next year's pact,
the report's own number and date, no repeated wording (the organiser named twice, a typed
sentence part I writes itself), KXL for a unit not classified, the short form of a long header,
and the demo's 2024 report as the done-when check runs it."""

import datetime
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from awards.documents.achievement import build_achievement
from awards.documents.minutes import build_minutes
from awards.documents.summary import build_summary
from awards.models import Decision
from clusters.documents.admin_format import (
    header_for,
    header_line_count,
    proposed_short_issuer,
)
from clusters.documents.pact import build_pact
from clusters.documents.results import build_results
from clusters.documents.roster import build_roster
from clusters.documents.summary_text import (
    cluster_of,
    parse_guest,
    repeated_sentences,
    report_sections,
)
from clusters.models import (
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    Level,
    Meeting,
    Pact,
    PactSignatory,
)
from emulation.documents.admin_format import BLANK_NUMBER
from emulation.documents.registry import get_spec
from tests.awards.test_review_meeting import ALL, attend
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date

VICE_CHAIR = "Đồng chí Lê Văn Quang – Phó Chủ tịch Liên đoàn Lao động tỉnh Bình Thuận"
OFFICER = "Đồng chí Nguyễn Thị Hồng Nhung – Chuyên viên Văn phòng Liên đoàn Lao động tỉnh"
# A member's officer invited as a guest is no guest of the organiser.
MEMBER_GUEST = "Bà Trần Thị Bé – Phó Chủ tịch Liên đoàn Lao động huyện Phú Quý"


def printed(tmp_path, document, fmt="pdf") -> str:
    content = get_spec("summary").render(document, fmt)
    path = tmp_path / f"s.{fmt}"
    path.write_bytes(content)
    return pdf_text(path) if fmt == "pdf" else docx_text(path)


def docx_text(path) -> str:
    from docx import Document

    doc = Document(path)
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(texts).split())


def closed_meeting(w) -> Meeting:
    return Meeting.objects.get(pk=w.meeting.pk)


# Guests and pact ----------------------------------------------------------------------------


def test_the_organisers_guests_and_the_pact_signed_at_the_review_print(approval, tmp_path):
    w = approval
    Meeting.objects.filter(pk=w.meeting.pk).update(
        guests="\n".join([VICE_CHAIR, OFFICER, MEMBER_GUEST])
    )
    # Next year, as the election at the review recorded it, with the same five members.
    following = ClusterYear.objects.get(cluster=w.cluster_year.cluster, year=2025)
    assert following.memberships.count() == 5
    pact = Pact.objects.create(
        cluster_year=following,
        meeting=w.meeting,
        signed_on=D(2024, 12, 14),
        place="Liên đoàn Lao động huyện Bắc Bình",
    )
    for unit in w.units.values():
        PactSignatory.objects.create(pact=pact, organization=unit, person="X")

    document = build_summary(w.cluster_year)
    assert document.guests == (
        "Hội nghị tổng kết công tác thi đua năm 2024 của Cụm có sự tham dự và phát biểu chỉ "
        "đạo của đồng chí Lê Văn Quang – Phó Chủ tịch Liên đoàn Lao động tỉnh Bình Thuận; "
        "cùng dự có đồng chí Nguyễn Thị Hồng Nhung – Chuyên viên Văn phòng Liên đoàn Lao động "
        "tỉnh."
    )
    assert "Trần Thị Bé" not in document.guests
    assert document.pact == (
        "Tại Hội nghị, các đơn vị thành viên đã ký kết Giao ước thi đua năm 2025 (ngày 14 "
        "tháng 12 năm 2024, tại Liên đoàn Lao động huyện Bắc Bình), toàn thể 05/05 đơn vị "
        "thành viên đã ký."
    )
    for fmt in ("pdf", "docx"):
        text = printed(tmp_path, document, fmt)
        part_two = text[text.index("II. KẾT QUẢ") : text.index("III. PHƯƠNG HƯỚNG")]
        assert "phát biểu chỉ đạo của đồng chí Lê Văn Quang – Phó Chủ tịch" in part_two, fmt
        part_four = text[text.index("IV. KẾT QUẢ BÌNH XÉT") :]
        assert "Giao ước thi đua năm 2025" in part_four and "toàn thể 05/05" in part_four, fmt

    # One member did not sign: the report says how many did.
    PactSignatory.objects.filter(pact=pact, organization=w.units["ldld-phu-quy"]).delete()
    assert "04/05 đơn vị thành viên đã ký" in build_summary(w.cluster_year).pact


def test_no_guest_of_the_organiser_and_no_pact_print_nothing(approval):
    w = approval
    Meeting.objects.filter(pk=w.meeting.pk).update(guests=MEMBER_GUEST)
    document = build_summary(w.cluster_year)
    assert document.guests == "" and document.pact == ""


def test_a_guest_line_splits_into_name_and_position():
    guest = parse_guest("đ/c Lê Văn Quang, Phó Chủ tịch LĐLĐ tỉnh Bình Thuận;")
    assert (guest.name, guest.position, guest.leader) == (
        "Lê Văn Quang",
        "Phó Chủ tịch LĐLĐ tỉnh Bình Thuận",
        True,
    )
    assert not parse_guest(OFFICER).leader


# Number and date ----------------------------------------------------------------------------


def test_the_number_and_date_the_head_typed_print_and_blank_stays_possible(approval, tmp_path):
    w = approval
    document = build_summary(w.cluster_year)
    assert document.header.number == f"{BLANK_NUMBER}/BC-CTĐ"  # written in by hand
    assert document.header.date == D(2024, 12, 14)  # the review's day

    ClusterYear.objects.filter(pk=w.cluster_year.pk).update(
        summary_number="7", summary_date=D(2024, 12, 18)
    )
    document = build_summary(w.cluster_year)
    assert document.header.number == "07/BC-CTĐ"
    assert document.report_date == D(2024, 12, 18)
    for fmt in ("pdf", "docx"):
        text = printed(tmp_path, document, fmt)
        assert "Số: 07/BC-CTĐ" in text, fmt
        assert "ngày 18 tháng 12 năm 2024" in text, fmt

    ClusterYear.objects.filter(pk=w.cluster_year.pk).update(summary_number="12/BC-CTĐ")
    assert build_summary(w.cluster_year).header.number == "12/BC-CTĐ"  # typed in full
    ClusterYear.objects.filter(pk=w.cluster_year.pk).update(summary_number="Số: 12/BC-CTĐ")
    assert build_summary(w.cluster_year).header.number == "12/BC-CTĐ"  # "Số:" printed once


def test_the_head_sets_the_number_and_date_until_the_year_is_closed(client, approval):
    w = approval
    url = reverse("clusters:cluster_year_head", args=["bt-1", 2024])
    client.force_login(w.head)
    page = client.get(url)
    assert page.status_code == 200 and 'name="summary_number"' in page.content.decode()

    # Not before the review that adopts it.
    response = client.post(
        url, {"summary_number": "12", "summary_date": "13/12/2024", "reason": "Vào sổ"}
    )
    assert response.status_code == 200
    assert ClusterYear.objects.get(pk=w.cluster_year.pk).summary_date is None

    response = client.post(
        url, {"summary_number": "12", "summary_date": "16/12/2024", "reason": "Vào sổ"}
    )
    assert response.status_code == 302
    cy = ClusterYear.objects.get(pk=w.cluster_year.pk)
    assert (cy.summary_number, cy.summary_date) == ("12", D(2024, 12, 16))
    entry = cy.history.first()
    assert (entry.summary_number, entry.history_change_reason) == ("12", "Vào sổ")
    assert build_summary(cy).header.number == "12/BC-CTĐ"

    # Blank again: the clerk writes it in by hand.
    client.post(url, {"summary_number": "", "summary_date": "", "reason": "Ghi tay"})
    cy.refresh_from_db()
    assert (cy.summary_number, cy.summary_date) == ("", None)

    # Once the year is closed the report is filed: the organiser's staff still open the
    # page, and the number and date stay as they are.
    ClusterYear.objects.filter(pk=cy.pk).update(status=ClusterYearStatus.CLOSED)
    client.force_login(w.staff)
    response = client.post(
        url, {"summary_number": "99", "summary_date": "20/12/2024", "reason": "Sửa"}
    )
    assert response.status_code == 302
    cy.refresh_from_db()
    assert (cy.summary_number, cy.summary_date) == ("", None)
    assert 'name="summary_number"' in client.get(url).content.decode()


# Repeated wording -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cluster_name",
    [
        "Cụm thi đua số 1 thuộc Liên đoàn Lao động tỉnh Bình Thuận",
        "Cụm thi đua số 1 trực thuộc Liên đoàn Lao động tỉnh",
        "Cụm thi đua số 1 - LĐLĐ tỉnh Bình Thuận",
    ],
)
def test_a_cluster_named_after_its_organiser_never_prints_it_twice(
    approval, tmp_path, cluster_name
):
    w = approval
    w.province.locality = "Bình Thuận"
    w.province.save()
    cluster = w.cluster_year.cluster
    cluster.name = cluster_name
    cluster.save()

    document = build_summary(w.cluster_year)
    assert document.part_one[0].startswith(f"{cluster_name} năm 2024 gồm 05")
    text = printed(tmp_path, document)
    assert f"{cluster_name} năm 2024" in text
    assert f"{cluster_name} thuộc" not in text
    assert "thuộc Liên đoàn Lao động tỉnh Bình Thuận thuộc" not in text
    # The header names the organiser once, over the cluster.
    assert document.header.issuer_line == "CỤM THI ĐUA SỐ 1"
    minutes = build_minutes(w.cluster_year)
    assert minutes.cluster_of == cluster_name
    # The other documents that place the cluster under its organiser.
    roster = build_roster(w.cluster_year).subtitle_lines[0]
    assert roster.startswith("Đơn vị thành viên Cụm thi đua số 1 – Liên đoàn Lao động tỉnh")
    Pact.objects.create(cluster_year=w.cluster_year, signed_on=D(2024, 1, 20), place="Bắc Bình")
    opening = build_pact(w.cluster_year).opening
    assert "các đơn vị thành viên Cụm thi đua số 1 thuộc Liên đoàn Lao động tỉnh Bình" in opening
    profile = build_achievement(w.cluster_year, w.units["ldld-tuy-phong"]).profile
    assert any(
        "Đơn vị thành viên Cụm thi đua số 1 do Liên đoàn Lao động tỉnh Bình Thuận tổ chức" in line
        for line in profile
    )
    for line in [roster, opening, *profile]:
        assert len(re.findall(r"(?:Liên đoàn Lao động|LĐLĐ) tỉnh", line)) <= 1, line


def test_a_cluster_without_the_organiser_in_its_name_is_placed_under_it():
    assert (
        cluster_of("Cụm thi đua số 1", "Liên đoàn Lao động tỉnh Bình Thuận", "Bình Thuận")
        == "Cụm thi đua số 1 thuộc Liên đoàn Lao động tỉnh Bình Thuận"
    )


def test_a_typed_sentence_that_part_one_writes_prints_once(approval, tmp_path):
    w = approval
    head_sentence = build_summary(w.cluster_year).part_one[-1]
    assert head_sentence.startswith("Cụm trưởng năm 2024: Liên đoàn Lao động huyện Bắc Bình")
    # Typed with other spacing and case, inside the head's own paragraph.
    typed = "  ".join(head_sentence.upper().split())
    Meeting.objects.filter(pk=w.meeting.pk).update(
        achievements=f"Năm 2024 Cụm hoạt động đều đặn. {typed}\nHoàn thành các chỉ tiêu."
    )
    document = build_summary(w.cluster_year)
    assert head_sentence not in document.part_one
    text = printed(tmp_path, document).casefold()
    assert text.count(" ".join(head_sentence.casefold().split()).rstrip(".")) == 1


def test_the_typed_size_of_the_cluster_prints_once_and_the_members_stay(approval, tmp_path):
    w = approval
    size = "Các đơn vị trong Cụm có tổng số 229 công đoàn cơ sở với 269 đoàn viên."
    first = build_summary(w.cluster_year).part_one[0]
    assert first.endswith(size)
    Meeting.objects.filter(pk=w.meeting.pk).update(
        limitations=f"Một số chỉ tiêu chưa đạt.\n{size.lower()}"
    )
    document = build_summary(w.cluster_year)
    assert document.part_one[0] == first.removesuffix(" " + size)  # the members stay
    text = printed(tmp_path, document, "docx").casefold()
    assert text.count(size.casefold().rstrip(".")) == 1


def test_a_typed_fragment_of_part_one_is_warned_about_and_part_one_stays_whole(approval):
    w = approval
    first = build_summary(w.cluster_year).part_one[0]
    fragment = first[: first.index(" và Liên đoàn")]  # the members, cut before the last
    assert len(fragment) >= 50
    Meeting.objects.filter(pk=w.meeting.pk).update(achievements=fragment + ".")
    assert build_summary(w.cluster_year).part_one[0] == first
    meeting = closed_meeting(w)
    sections = report_sections(
        w.cluster_year,
        meeting,
        achievements=meeting.achievements,
        limitations="",
        directions="",
        names={},
        theme="",
    )
    assert sections.repeated == [fragment + "."]


def test_the_adoption_step_shows_parts_one_to_three_and_warns_of_a_repeat(client, review):
    w = review
    attend(w, *ALL)
    url = reverse("clusters:meeting_step", args=["bt-1", 2024, w.meeting.pk, "summary"])
    client.force_login(w.head)
    members = (
        f"{w.cluster_year.cluster.name} thuộc Liên đoàn Lao động tỉnh Bình Thuận năm 2024 gồm "
        "05 đơn vị thành viên"
    )
    page = client.get(url).content.decode()
    assert "I. ĐẶC ĐIỂM TÌNH HÌNH" in page and members in page
    assert "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" in page
    assert "alert-warning" not in page

    head_sentence = (
        "Cụm trưởng năm 2024: Liên đoàn Lao động huyện Bắc Bình; Cụm phó: Liên đoàn Lao "
        "động huyện Tuy Phong."
    )
    response = client.post(
        url,
        {
            "achievements": f"Hoàn thành các chỉ tiêu. {head_sentence}",
            "limitations": "",
            "directions": "Tiếp tục đẩy mạnh phong trào thi đua.",
        },
        follow=True,
    )
    # Adopted, with the warning carried to the next step.
    assert response.redirect_chain[-1][0].endswith("/ranking/")
    assert f"“{head_sentence}”" in response.content.decode()
    page = client.get(url).content.decode()
    assert "alert-warning" in page and head_sentence in page
    # A short sentence (under 50 characters) is no repeat worth a warning.
    assert repeated_sentences("Cụm trưởng năm 2024.", ["Cụm trưởng năm 2024."]) == []


# Not classified --------------------------------------------------------------------------------


def test_a_unit_not_classified_prints_kxl_and_its_reason(approval, tmp_path):
    w = approval
    AnnualResult.objects.filter(
        cluster_year=w.cluster_year, organization=w.units["ldld-phu-quy"]
    ).update(level=Level.NONE, level_reason="Đơn vị đang củng cố, kiện toàn tổ chức")
    document = build_summary(w.cluster_year)
    line = next(s for s in document.standings if s.name == "Liên đoàn Lao động huyện Phú Quý")
    assert (line.level, line.rank_text) == ("KXL", "KXL")
    assert document.not_classified == [
        "Liên đoàn Lao động huyện Phú Quý: Đơn vị đang củng cố, kiện toàn tổ chức"
    ]
    for fmt in ("pdf", "docx"):
        text = printed(tmp_path, document, fmt)
        assert re.search(r"Liên đoàn Lao động huyện Phú Quý [\d,]+ [\d,]+ KXL KXL", text), fmt
        assert (
            "Ghi chú: KXL – Không xếp loại: Liên đoàn Lao động huyện Phú Quý: Đơn vị đang "
            "củng cố, kiện toàn tổ chức." in text
        ), fmt

    # The minutes and the results table print it the same way.
    minutes = build_minutes(w.cluster_year)
    line = next(s for s in minutes.standings if s.name == "Liên đoàn Lao động huyện Phú Quý")
    assert (line.level, line.rank_text) == ("KXL", "KXL")
    assert minutes.not_classified == document.not_classified
    path = tmp_path / "b.pdf"
    path.write_bytes(get_spec("minutes").render(minutes, "pdf"))
    assert re.search(r"Liên đoàn Lao động huyện Phú Quý [\d,]+ KXL KXL", pdf_text(path))
    results = build_results(w.cluster_year)
    row = next(r for r in results.rows if r["name"] == "Liên đoàn Lao động huyện Phú Quý")
    assert (row["level"], row["rank"]) == ("KXL", "KXL")
    assert any("Đơn vị đang củng cố, kiện toàn tổ chức" in note for note in results.notes)


# A long header block ------------------------------------------------------------------------------

LONG_NAME = (
    "Cụm thi đua số 3 các Công đoàn cơ sở khối Doanh nghiệp ngoài nhà nước thuộc Liên đoàn "
    "Lao động thành phố Phan Thiết"
)


def test_a_long_cluster_name_gets_a_short_form_the_head_accepts(client, approval):
    w = approval
    cluster = w.cluster_year.cluster
    cluster.name = LONG_NAME
    cluster.save()
    assert header_line_count(LONG_NAME) > 3
    url = reverse("clusters:cluster_year_head", args=["bt-1", 2024])
    client.force_login(w.head)
    page = client.get(url).content.decode()
    short = "Cụm thi đua số 3 các CĐCS khối Doanh nghiệp ngoài nhà nước thuộc LĐLĐ TP Phan Thiết"
    assert 'name="use_short_issuer"' in page and short.upper() in page

    response = client.post(url, {"use_short_issuer": "on", "reason": "Tên quá dài"})
    assert response.status_code == 302
    cy = ClusterYear.objects.get(pk=w.cluster_year.pk)
    assert cy.header_issuer_line == short
    assert header_for(cy).issuer_line == short.upper()
    assert header_line_count(short) <= header_line_count(LONG_NAME) - 1
    # Accepted: nothing more to propose.
    assert 'name="use_short_issuer"' not in client.get(url).content.decode()


def test_the_proposal_measures_the_line_as_it_prints_under_the_organiser(approval):
    w = approval
    cluster = w.cluster_year.cluster
    cluster.name = (
        "Cụm thi đua số 1 các Công đoàn cơ sở khối Doanh nghiệp ngoài nhà nước thuộc Liên "
        "đoàn Lao động tỉnh Bình Thuận"
    )
    cluster.save()
    assert header_line_count(cluster.name) > 3
    # The organiser heads the block: the issuer line drops it and fits in three lines.
    issuer = header_for(w.cluster_year).issuer_line
    assert issuer == "CỤM THI ĐUA SỐ 1 CÁC CÔNG ĐOÀN CƠ SỞ KHỐI DOANH NGHIỆP NGOÀI NHÀ NƯỚC"
    assert header_line_count(issuer) == 3
    assert proposed_short_issuer(w.cluster_year) == ""


def test_a_short_cluster_name_gets_no_proposal(client, approval):
    client.force_login(approval.head)
    page = client.get(reverse("clusters:cluster_year_head", args=["bt-1", 2024]))
    assert 'name="use_short_issuer"' not in page.content.decode()


# The done-when check: the demo's 2024 report ----------------------------------------------------


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:!?])\s+", text) if s.strip()]


def test_the_demo_summary_of_2024_names_the_guest_and_the_pact_and_repeats_nothing(
    demo,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.chdir(tmp_path)
    call_command("export_document", "summary", cluster="binh-thuan-1", year=2024)
    text = pdf_text(tmp_path / "bao-cao-tong-ket-binh-thuan-1-2024.pdf")

    # The organiser's guest of the review.
    assert (
        "có sự tham dự và phát biểu chỉ đạo của đồng chí Lê Văn Quang – Phó Chủ tịch Liên "
        "đoàn Lao động tỉnh Bình Thuận" in text
    )
    # The 2025 pact, signed at it.
    assert (
        "đã ký kết Giao ước thi đua năm 2025 (ngày 14 tháng 12 năm 2024, tại Liên đoàn Lao "
        "động huyện Bắc Bình), toàn thể 05/05 đơn vị thành viên đã ký." in text
    )
    # No decision dated after the report (14/12/2024): 15/QĐ-LĐLĐ of 10/01/2025 is not cited.
    report_day = D(2024, 12, 14)
    assert "ngày 14 tháng 12 năm 2024" in text
    later = Decision.objects.filter(signed_on__gt=report_day)
    assert later.exists()
    for decision in later:
        assert decision.number not in text
    # No sentence of 50 characters or more twice.
    counts = Counter(" ".join(s.casefold().split()) for s in sentences(text) if len(s) >= 50)
    assert [s for s, n in counts.items() if n > 1] == []
