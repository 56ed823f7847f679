"""The minutes of the year-end review and vote (`export_document minutes`): the demo's two
reviews as the articles report them, a running meeting printed as a draft, and a year without a
review refused with nothing written."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from awards.documents.minutes import build_minutes
from awards.models import AwardKind, Nomination, NominationStatus, VoteMode
from clusters.models import ClusterYear, ClusterYearStatus, Meeting, MeetingKind, MeetingStatus
from emulation.documents.registry import get_spec
from tests.awards.test_review_meeting import ALL, attend, review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401
from tests.emulation.test_export_document import (  # noqa: F401
    BINH_THUAN_1,
    SOC_TRANG_2,
    demo,
    pdf_text,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def export_minutes(tmp_path, code: str, year: int) -> str:
    output = tmp_path / "bien-ban.pdf"
    call_command("export_document", "minutes", cluster=code, year=year, output=str(output))
    return pdf_text(output)


def test_minutes_of_binh_thuan_1_2024(demo, tmp_path):  # noqa: F811
    text = export_minutes(tmp_path, "binh-thuan-1", 2024)
    assert "BIÊN BẢN" in text
    assert "Hội nghị tổng kết công tác thi đua năm 2024 và bình xét thi đua" in text
    assert "CỤM THI ĐUA SỐ 1" in text and "Bắc Bình, ngày 14 tháng 12 năm 2024" in text
    assert (
        "Vào lúc 08 giờ 00 phút, ngày 14 tháng 12 năm 2024, tại Hội trường Liên đoàn Lao động "
        "huyện Bắc Bình" in text
    )
    assert "Đơn vị đăng cai: Liên đoàn Lao động huyện Bắc Bình" in text
    assert "Chủ trì: đồng chí Trần Văn Hòa" in text and "Thư ký: đồng chí Nguyễn Thị Mỹ Lệ" in text
    for member in BINH_THUAN_1:
        assert member in text, member
    assert "Có mặt 5/5 đơn vị thành viên, đủ điều kiện tiến hành hội nghị" in text
    assert "97,5" in text and "97.5" not in text  # Phan Thiết's total, in Vietnamese
    # Two secret ballots; a unit's own ballot never names it.
    assert "bỏ phiếu kín" in text and "biểu quyết giơ tay" not in text
    assert text.count("Số phiếu phát ra: 5; số phiếu thu về: 5; số phiếu hợp lệ: 5.") == 2
    assert "Liên đoàn Lao động huyện Tuy Phong 4/5 80 Được chọn" in text
    assert "Liên đoàn Lao động huyện Bắc Bình 1/5 20 Không được chọn" in text
    assert (
        "Tặng “Cờ thi đua của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động huyện Tuy Phong "
        "– đơn vị dẫn đầu Cụm thi đua số 1 (4/5 phiếu đồng ý, đạt 80%)" in text
    )
    assert (
        "Tặng “Bằng khen của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động thành phố Phan "
        "Thiết (4/5 phiếu đồng ý, đạt 80%)" in text
    )
    assert (
        "bầu Liên đoàn Lao động huyện Tuy Phong làm Cụm trưởng, Liên đoàn Lao động huyện Hàm "
        "Thuận Bắc làm Cụm phó Cụm thi đua số 1 năm 2025" in text
    )
    assert "ngay tại hội nghị, ngày 14/12/2024" in text
    assert "1. Cụm trưởng năm 2024 hoàn chỉnh Báo cáo tổng kết" in text
    assert "Hội nghị kết thúc vào lúc 11 giờ 30 phút cùng ngày." in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text
    assert "Dự thảo" not in text
    assert "Lâm Đồng" not in text  # the 2024 structure


def test_minutes_of_soc_trang_2_2018(demo, tmp_path):  # noqa: F811
    text = export_minutes(tmp_path, "soc-trang-2", 2018)
    assert "BIÊN BẢN" in text and "CỤM THI ĐUA SỐ 2" in text
    assert "Sóc Trăng, ngày 07 tháng 01 năm 2019" in text  # leading zeros
    assert "Hội nghị tổng kết công tác thi đua năm 2018 và bình xét thi đua" in text
    assert (
        "Vào lúc 14 giờ 00 phút, ngày 07 tháng 01 năm 2019, tại Cơ quan Công đoàn các Khu "
        "công nghiệp tỉnh Sóc Trăng" in text
    )
    assert "Đơn vị đăng cai: Công đoàn các Khu công nghiệp tỉnh Sóc Trăng" in text
    for member in SOC_TRANG_2:
        assert member in text, member
    assert "Có mặt 8/8 đơn vị thành viên, đủ điều kiện tiến hành hội nghị" in text
    assert "Nguyễn Văn Thanh" not in text  # the article's official is not reused
    # The show of hands, for the leading flag and for two excellent flags.
    assert "biểu quyết giơ tay" in text and "bỏ phiếu kín" not in text
    assert "số đơn vị thành viên tham gia biểu quyết: 8/8" in text
    assert "chọn 2 đơn vị" in text
    assert (
        "Tặng “Cờ thi đua của Liên đoàn Lao động tỉnh” cho Liên đoàn Lao động thành phố Sóc "
        "Trăng – đơn vị dẫn đầu Cụm thi đua số 2 (7/8 đơn vị biểu quyết đồng ý, đạt 87,5%)" in text
    )
    for unit in ["Công đoàn ngành Y tế tỉnh Sóc Trăng", "Liên đoàn Lao động huyện Kế Sách"]:
        assert f"Tặng “Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh” cho {unit} (7/8" in text
    assert (
        "bầu Công đoàn các Khu công nghiệp tỉnh Sóc Trăng làm Cụm trưởng, Liên đoàn Lao động "
        "huyện Mỹ Tú làm Cụm phó Cụm thi đua số 2 năm 2019" in text
    )
    assert "Hội nghị kết thúc vào lúc 16 giờ 30 phút cùng ngày." in text


def test_the_demo_holds_both_reviews_closed_with_their_nominations(demo):  # noqa: F811
    reviews = {
        (m.cluster_year.cluster.code, m.year): m
        for m in Meeting.objects.filter(kind=MeetingKind.REVIEW).select_related(
            "cluster_year__cluster", "host", "elected_head", "elected_deputy"
        )
    }
    assert set(reviews) == {("binh-thuan-1", 2024), ("soc-trang-2", 2018)}
    for meeting in reviews.values():
        assert meeting.status == MeetingStatus.CLOSED and meeting.summary_adopted
        assert all(a.present and a.representative for a in meeting.attendances.all())
        assert meeting.conclusions.exists()

    def proposed(meeting):
        return {
            (n.organization.code, n.award_type.kind, n.votes)
            for n in Nomination.objects.filter(cluster_year=meeting.cluster_year).exclude(
                status=NominationStatus.WITHDRAWN
            )
        }

    bt = reviews["binh-thuan-1", 2024]
    assert (bt.held_on, bt.host.code) == (D(2024, 12, 14), "ldld-bac-binh")
    assert (bt.starts_at, bt.ends_at) == (datetime.time(8, 0), datetime.time(11, 30))
    assert {v.mode for v in bt.votes.all()} == {VoteMode.SECRET}
    assert proposed(bt) == {
        ("ldld-tuy-phong", AwardKind.LEADING_FLAG, 4),
        ("ldld-tp-phan-thiet", AwardKind.CERTIFICATE, 4),
    }
    assert (bt.elected_head.code, bt.elected_deputy.code) == (
        "ldld-tuy-phong",
        "ldld-ham-thuan-bac",
    )
    assert bt.handover_on == D(2024, 12, 14)

    st2 = reviews["soc-trang-2", 2018]
    assert (st2.held_on, st2.host.code) == (D(2019, 1, 7), "cd-kcn-soc-trang")
    assert "Nguyễn Văn Thanh" not in st2.guests
    assert {v.mode for v in st2.votes.all()} == {VoteMode.OPEN}
    for vote in st2.votes.all():
        assert vote.casts.exists()
        assert not any(c.voter_id == c.candidate_id for c in vote.casts.all())
    assert proposed(st2) == {
        ("ldld-tp-soc-trang", AwardKind.LEADING_FLAG, 7),
        ("cd-y-te-soc-trang", AwardKind.EXCELLENT_FLAG, 7),
        ("ldld-ke-sach", AwardKind.EXCELLENT_FLAG, 7),
    }
    assert (st2.elected_head.code, st2.elected_deputy.code) == ("cd-kcn-soc-trang", "ldld-my-tu")

    # The years stay as the demo records them: closed, next year's term unchanged.
    years = {
        (cy.cluster.code, cy.year): cy
        for cy in ClusterYear.objects.filter(
            cluster__code__in=["binh-thuan-1", "soc-trang-2"]
        ).select_related("cluster", "head", "deputy")
    }
    assert all(cy.status == ClusterYearStatus.CLOSED for cy in years.values())
    bt1_2025 = years["binh-thuan-1", 2025]
    assert (bt1_2025.head.code, bt1_2025.deputy.code) == ("ldld-tuy-phong", "ldld-ham-thuan-bac")
    assert bt1_2025.handover_on == D(2024, 12, 14) and bt1_2025.ended_on == D(2025, 6, 30)
    assert all(h.status == ClusterYearStatus.CLOSED for h in bt1_2025.history.all()[:2])
    st2_2019 = years["soc-trang-2", 2019]
    assert (st2_2019.head.code, st2_2019.deputy.code) == ("cd-kcn-soc-trang", "ldld-my-tu")


def test_a_running_review_prints_as_a_draft(review, tmp_path):  # noqa: F811
    attend(review, *ALL)
    document = build_minutes(review.cluster_year)
    assert not document.closed and (document.present, document.members) == (5, 5)
    output = tmp_path / "m.pdf"
    output.write_bytes(get_spec("minutes").render(document, "pdf"))
    text = pdf_text(output)
    assert "Dự thảo – hội nghị chưa kết thúc" in text
    assert "Có mặt 5/5 đơn vị thành viên" in text
    assert "Hội nghị chưa thông qua báo cáo tổng kết." in text


def test_a_year_without_a_review_has_no_minutes(bt1, tmp_path):  # noqa: F811
    existing = tmp_path / "m.pdf"
    existing.write_bytes(b"old")
    with pytest.raises(CommandError, match=r"\(bt-1\).*2024"):
        call_command("export_document", "minutes", cluster="bt-1", year=2024, output=str(existing))
    assert existing.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.pdf"]
