"""The cluster's proposal dossier: the page for each persona, the head preparing and submitting
the submission (tờ trình), the return-and-resubmit loop, the printed submission and
`export_document proposal` on the demo's two reviews."""

import datetime
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from awards.models import Nomination, NominationStatus, Proposal, ProposalStatus
from awards.services.approval import dossier_gaps, return_for_supplement, save_proposal
from emulation.documents.base import vi_date_line
from tests.awards.conftest import approval  # noqa: F401
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401
from tests.clusters.test_views import count_queries
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401
from tests.factories import OfficerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def url(w, name, *extra):
    return reverse(name, args=[w.cluster_year.cluster.code, 2024, *extra])


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def table_text(path) -> str:
    """The PDF's text with the table's rows kept on their lines."""
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def outsider():
    return OfficerFactory(organization=OrganizationFactory(code="ldld-ngoai")).user


# The page per persona -----------------------------------------------------------------------


def test_everybody_who_reads_the_year_sees_the_dossier_and_only_the_head_prepares_it(
    client,
    approval,  # noqa: F811
):
    w = approval
    page = url(w, "awards:proposal")
    client.force_login(w.head)
    response = client.get(page)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="proposal-form"' in text and "05/TTr-CTĐ" in text
    assert reverse("awards:proposal_submit", args=["bt-1", 2024]) in text
    for name in ["Liên đoàn Lao động huyện Tuy Phong", "Liên đoàn Lao động thành phố Phan Thiết"]:
        assert name in text
    assert reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-tuy-phong"]) in text
    assert reverse("awards:dossier", args=[w.flag_nomination.pk]) not in text

    # The organiser's staff read it, with each nomination's dossier, and prepare nothing.
    client.force_login(w.staff)
    text = client.get(page).content.decode()
    assert 'id="proposal-form"' not in text
    assert reverse("awards:dossier", args=[w.flag_nomination.pk]) in text
    assert reverse("awards:dossier", args=[w.certificate_nomination.pk]) in text

    # The deputy and a member read it.
    for user in (w.tuy_phong, w.phu_quy):
        client.force_login(user)
        response = client.get(page)
        assert response.status_code == 200
        assert 'id="proposal-form"' not in response.content.decode()
        assert client.post(page, {"number": "99/TTr-CTĐ"}).status_code == 403
        assert client.post(url(w, "awards:proposal_submit")).status_code == 403
        resubmit = url(w, "awards:nomination_resubmit", w.flag_nomination.pk)
        assert (
            client.post(resubmit, {f"n{w.flag_nomination.pk}-supplement": "x"}).status_code == 403
        )
    assert Proposal.objects.get().number == "05/TTr-CTĐ"

    # Outside the scope: 404; anonymous: to the login page.
    client.force_login(outsider())
    for name in ["awards:proposal", "awards:proposal_preview", "awards:proposal_pdf"]:
        assert client.get(url(w, name)).status_code == 404
    assert client.post(url(w, "awards:proposal_submit")).status_code == 404
    client.logout()
    response = client.get(page)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_nominations_list_links_the_dossier(client, approval):  # noqa: F811
    w = approval
    client.force_login(w.phu_quy)
    text = client.get(url(w, "awards:nomination_list")).content.decode()
    assert url(w, "awards:proposal") in text


# Preparing and submitting -------------------------------------------------------------------


def test_the_head_saves_the_submission_and_bad_input_saves_nothing(client, approval):  # noqa: F811
    w = approval
    client.force_login(w.head)
    page = url(w, "awards:proposal")
    data = {
        "number": "07/TTr-CTĐ",
        "issued_on": "18/12/2024",
        "place": "Bắc Bình",
        "addressee": "Hội đồng Thi đua – Khen thưởng Liên đoàn Lao động tỉnh",
        "signer": "Trần Văn Hòa",
        "body": "",
    }
    response = client.post(page, {**data, "issued_on": "31/02/2024", "number": "08/TTr-CTĐ"})
    assert response.status_code == 200 and 'id="proposal-form"' in response.content.decode()
    assert Proposal.objects.get().number == "05/TTr-CTĐ"
    response = client.post(page, data)
    assert response.status_code == 302 and response.url == page
    proposal = Proposal.objects.get()
    assert (proposal.number, proposal.issued_on, proposal.signer) == (
        "07/TTr-CTĐ",
        D(2024, 12, 18),
        "Trần Văn Hòa",
    )
    assert proposal.history.first().history_user == w.head
    assert "18/12/2024" in client.get(page).content.decode()


def test_an_incomplete_dossier_is_refused_with_what_is_missing(client, approval):  # noqa: F811
    w = approval
    save_proposal(w.cluster_year, by=w.head, number="", signer="")
    with translation.override("vi"):
        gaps = dossier_gaps(w.cluster_year)
    assert len(gaps) == 2
    client.force_login(w.head)
    page = client.get(url(w, "awards:proposal")).content.decode()
    assert 'id="dossier-gaps"' in page and "disabled" in page
    for gap in gaps:
        assert gap in page
    response = client.post(url(w, "awards:proposal_submit"))
    assert response.status_code == 302
    messages = said(response)
    for gap in gaps:
        assert gap in messages
    assert Proposal.objects.get().status == ProposalStatus.DRAFT
    assert set(Nomination.objects.values_list("status", flat=True)) == {NominationStatus.PROPOSED}


def test_a_complete_dossier_is_submitted_and_then_read_only(client, approval):  # noqa: F811
    w = approval
    client.force_login(w.head)
    response = client.post(url(w, "awards:proposal_submit"))
    assert response.status_code == 302 and response.url == url(w, "awards:proposal")
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.submitted_by == w.head
    assert set(Nomination.objects.values_list("status", flat=True)) == {NominationStatus.SUBMITTED}
    page = client.get(url(w, "awards:proposal")).content.decode()
    assert 'id="proposal-form"' not in page
    assert reverse("awards:proposal_submit", args=["bt-1", 2024]) not in page
    # A change after the submission is refused, and nothing changes.
    response = client.post(url(w, "awards:proposal"), {"number": "09/TTr-CTĐ"})
    assert response.status_code == 302
    assert Proposal.objects.get().number == "05/TTr-CTĐ"
    response = client.post(url(w, "awards:proposal_submit"))
    assert said(response) and Proposal.objects.get().submitted_at == proposal.submitted_at


def test_a_returned_nomination_is_supplemented_and_resubmitted(client, approval):  # noqa: F811
    w = approval
    client.force_login(w.head)
    client.post(url(w, "awards:proposal_submit"))
    nomination = Nomination.objects.get(pk=w.flag_nomination.pk)
    return_for_supplement(nomination, by=w.staff, reason="Bổ sung báo cáo thành tích có xác nhận.")
    target = url(w, "awards:nomination_resubmit", nomination.pk)
    prefix = f"n{nomination.pk}-"

    page = client.get(url(w, "awards:proposal")).content.decode()
    assert "Bổ sung báo cáo thành tích có xác nhận." in page
    assert target in page
    assert (
        reverse("awards:nomination_resubmit", args=["bt-1", 2024, w.certificate_nomination.pk])
        not in page
    )

    # What was supplemented is required.
    response = client.post(target, {prefix + "supplement": "  ", prefix + "justification": "x"})
    assert response.status_code == 302 and said(response)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RETURNED and nomination.supplement == ""

    response = client.post(
        target,
        {
            prefix + "supplement": "Đã bổ sung báo cáo thành tích có xác nhận của Cụm trưởng.",
            prefix + "justification": "Dẫn đầu Cụm thi đua số 1 năm 2024.",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RESUBMITTED
    assert nomination.supplement.startswith("Đã bổ sung")
    assert nomination.justification == "Dẫn đầu Cụm thi đua số 1 năm 2024."
    # The loop shows in the history, with who and why.
    page = client.get(url(w, "awards:proposal")).content.decode()
    assert "Bổ sung báo cáo thành tích có xác nhận." in page
    assert "Đã bổ sung báo cáo thành tích có xác nhận của Cụm trưởng." in page
    assert target not in page
    # Only a returned nomination is resubmitted.
    response = client.post(target, {prefix + "supplement": "Lần nữa."})
    assert said(response)
    assert Nomination.objects.get(pk=nomination.pk).supplement.startswith("Đã bổ sung")


# The printed submission ---------------------------------------------------------------------


def test_the_preview_and_the_pdf_list_the_nominees(client, approval, tmp_path):  # noqa: F811
    w = approval
    client.force_login(w.phu_quy)
    preview = client.get(url(w, "awards:proposal_preview"))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "TỜ TRÌNH" in html and "Số: 05/TTr-CTĐ" in html
    assert "Liên đoàn Lao động huyện Tuy Phong" in html
    response = client.get(url(w, "awards:proposal_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    output = tmp_path / "p.pdf"
    output.write_bytes(response.content)
    text = pdf_text(output)
    assert "TỜ TRÌNH" in text and "Số: 05/TTr-CTĐ" in text
    assert "Bắc Bình, ngày 16 tháng 12 năm 2024" in text
    assert "Về việc đề nghị khen thưởng công tác thi đua năm 2024" in text
    assert "Kính gửi: Hội đồng Thi đua – Khen thưởng" in text
    assert "TM. CỤM THI ĐUA" in text and "CỤM TRƯỞNG" in text and "Nguyễn Văn An" in text
    rows = table_text(output)
    assert "1 Liên đoàn Lao động huyện Tuy Phong Cờ thi đua 4/5 (80%)" in rows
    assert "2 Liên đoàn Lao động thành phố Phan Thiết Bằng khen 4/5 (80%)" in rows
    assert "Lưu: VT" in text


def test_a_withdrawn_nomination_does_not_print(approval):  # noqa: F811
    from awards.documents.proposal import build_proposal

    w = approval
    Nomination.objects.filter(pk=w.certificate_nomination.pk).update(
        status=NominationStatus.WITHDRAWN
    )
    document = build_proposal(w.cluster_year)
    assert [[line.name for line in g.lines] for g in document.groups] == [
        ["Liên đoàn Lao động huyện Tuy Phong"]
    ]
    assert document.total == "01"


def test_a_year_without_nominations_has_no_submission(client, bt1, tmp_path):  # noqa: F811
    w = bt1
    client.force_login(w.head)
    assert client.get(url(w, "awards:proposal")).status_code == 200
    assert client.get(url(w, "awards:proposal_preview")).status_code == 404
    existing = tmp_path / "p.pdf"
    existing.write_bytes(b"old")
    with pytest.raises(CommandError, match=r"\(bt-1\).*2024"):
        call_command("export_document", "proposal", cluster="bt-1", year=2024, output=str(existing))
    assert existing.read_bytes() == b"old"


# Query counts -------------------------------------------------------------------------------


def test_the_page_takes_a_constant_number_of_queries(client, approval):  # noqa: F811
    w = approval
    before = {}
    for user in (w.head, w.staff):
        client.force_login(user)
        before[user.pk] = count_queries(client, url(w, "awards:proposal"))
    for code in ["ldld-phu-quy", "ldld-ham-thuan-bac"]:
        Nomination.objects.create(
            cluster_year=w.cluster_year,
            organization=w.units[code],
            award_type=w.giay_khen,
            justification="Có nhiều thành tích.",
        )
    for user in (w.head, w.staff):
        client.force_login(user)
        assert count_queries(client, url(w, "awards:proposal")) == before[user.pk]


# The demo's reviews -------------------------------------------------------------------------


def export_proposal(tmp_path, code: str, year: int) -> tuple[str, str]:
    output = tmp_path / "to-trinh.pdf"
    call_command("export_document", "proposal", cluster=code, year=year, output=str(output))
    return pdf_text(output), table_text(output)


def number_and_date(code: str, year: int, place: str, review_day: datetime.date) -> list[str]:
    """The number and the date line: the saved proposal's, else a blank number to write in by
    hand and the review's date (whether the demo has submitted its proposals or not)."""
    proposal = Proposal.objects.filter(
        cluster_year__cluster__code=code, cluster_year__year=year
    ).first()
    if proposal is None:
        return ["/TTr-CTĐ", vi_date_line(place, review_day)]
    return [f"Số: {proposal.number}", vi_date_line(proposal.place, proposal.issued_on)]


def test_the_submission_of_binh_thuan_1_2024(demo, tmp_path):  # noqa: F811
    text, rows = export_proposal(tmp_path, "binh-thuan-1", 2024)
    assert "TỜ TRÌNH" in text and "CỤM THI ĐUA SỐ 1" in text
    for expected in number_and_date("binh-thuan-1", 2024, "Bắc Bình", D(2024, 12, 14)):
        assert expected in text
    assert "Bắc Bình, ngày" in text and "tháng 12 năm 2024" in text
    assert "Về việc đề nghị khen thưởng công tác thi đua năm 2024" in text
    assert "Kính gửi: Hội đồng Thi đua – Khen thưởng Liên đoàn Lao động tỉnh Bình Thuận" in text
    assert "bình xét bằng hình thức bỏ phiếu kín" in text
    assert "Cờ thi đua của Liên đoàn Lao động tỉnh (đơn vị dẫn đầu Cụm)" in text
    assert (
        "I Cờ thi đua của Liên đoàn Lao động tỉnh (đơn vị dẫn đầu Cụm) "
        "1 Liên đoàn Lao động huyện Tuy Phong Cờ thi đua 4/5 (80%) HTXSNV" in rows
    )
    assert (
        "II Bằng khen của Liên đoàn Lao động tỉnh "
        "2 Liên đoàn Lao động thành phố Phan Thiết Bằng khen 4/5 (80%)" in rows
    )
    assert "Cờ thi đua của Liên đoàn Lao động tỉnh: 01 tập thể" in text
    assert "Bằng khen của Liên đoàn Lao động tỉnh: 01 tập thể" in text
    assert "Tổng số đề nghị khen thưởng: 02 tập thể" in text
    assert "Biên bản hội nghị tổng kết và bình xét thi đua năm 2024 ngày 14/12/2024" in text
    assert "Báo cáo thành tích của từng tập thể" in text
    assert "TM. CỤM THI ĐUA" in text and "CỤM TRƯỞNG" in text and "Trần Văn Hòa" in text
    assert "Nơi nhận:" in text and "Lưu: VT." in text
    assert "Lâm Đồng" not in text  # the 2024 structure


def test_the_submission_of_soc_trang_2_2018(demo, tmp_path):  # noqa: F811
    text, rows = export_proposal(tmp_path, "soc-trang-2", 2018)
    assert "TỜ TRÌNH" in text and "CỤM THI ĐUA SỐ 2" in text
    for expected in number_and_date("soc-trang-2", 2018, "Sóc Trăng", D(2019, 1, 7)):
        assert expected in text
    assert "Sóc Trăng, ngày" in text and "tháng 01 năm 2019" in text
    assert "Về việc đề nghị khen thưởng công tác thi đua năm 2018" in text
    assert "bình xét bằng hình thức biểu quyết giơ tay" in text
    assert (
        "I Cờ thi đua của Liên đoàn Lao động tỉnh (đơn vị dẫn đầu Cụm) "
        "1 Liên đoàn Lao động thành phố Sóc Trăng Cờ thi đua 7/8 (87,5%) HTXSNV" in rows
    )
    assert "II Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh" in rows
    for number, unit in [
        (2, "Công đoàn ngành Y tế tỉnh Sóc Trăng"),
        (3, "Liên đoàn Lao động huyện Kế Sách"),
    ]:
        assert f"{number} {unit} Cờ thi đua xuất sắc 7/8 (87,5%) HTXSNV" in rows
    assert "Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh: 02 tập thể" in text
    assert "Cờ thi đua của Liên đoàn Lao động tỉnh: 01 tập thể" in text
    assert "Tổng số đề nghị khen thưởng: 03 tập thể" in text


def test_a_proposal_never_saved_prints_with_the_usual_values(approval):  # noqa: F811
    from awards.documents.proposal import build_proposal

    w = approval
    Proposal.objects.all().delete()
    document = build_proposal(w.cluster_year)
    assert document.header.number.strip() == "/TTr-CTĐ"  # written in by hand
    assert document.header.date == D(2024, 12, 14)  # the review's
    assert document.header.place == w.units["ldld-bac-binh"].locality  # its host's
    assert document.addressee == "Hội đồng Thi đua – Khen thưởng " + w.province.name
    assert document.signature.name == w.cluster_year.head_person
    assert document.signature.on_behalf == "TM. CỤM THI ĐUA"
    assert document.opening[-1].endswith("cụ thể như sau:")
