"""The emulation pact: who records it, what it refuses, how its targets become the results'
targets, and the printed pact."""

import datetime
from decimal import Decimal
from html import escape

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from clusters.models import (
    AnnualResult,
    ClusterYear,
    ClusterYearStatus,
    IndicatorKind,
    IndicatorValue,
    Meeting,
    MeetingStatus,
    Pact,
    PactSignatory,
    PactTarget,
    ResultStatus,
)
from clusters.services import create_default_program, result_for, save_result
from clusters.services.pacts import Signatory, save_pact, save_pact_targets
from emulation.demo.base import REASON
from tests.clusters.test_results import bt1  # noqa: F401
from tests.clusters.test_views import count_queries
from tests.conftest import fresh
from tests.emulation.test_export_document import demo, pdf_text  # noqa: F401
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def setup(world):
    """The world's open year under the province's default programme, plus a percent
    indicator with a target (decimals), and the pact's URLs."""
    world.program = create_default_program(organizer=world.province, year=world.year)
    world.new_members = world.program.indicators.get(code="DV_MOI")
    world.share = world.program.indicators.create(
        code="TY_LE", name="Tỷ lệ đoàn viên tham gia", kind=IndicatorKind.PERCENT, order=99
    )
    args = [world.cluster.code, world.year]
    world.urls = {
        name: reverse(f"clusters:{name}", args=args)
        for name in ("pact_detail", "pact_edit", "pact_targets", "pact_preview", "pact_pdf")
    }
    return world


def make_pact(world, **fields) -> Pact:
    members = [world.head_unit, world.deputy_unit, world.member_unit]
    return save_pact(
        cluster_year=world.cluster_year,
        by=world.users["head_officer"],
        signed_on=fields.pop("signed_on", D(world.year, 1, 15)),
        place=fields.pop("place", "Liên đoàn Lao động huyện Đầu"),
        commitments="Phát triển đoàn viên\nChăm lo đời sống người lao động",
        joint_activities="Giải bóng chuyền hơi nữ",
        signatories=[
            Signatory(unit.pk, f"Nguyễn Văn {index}", "Chủ tịch")
            for index, unit in enumerate(members)
        ],
        **fields,
    )


def target_field(unit, indicator) -> str:
    return f"t_{unit.pk}_{indicator.pk}"


def texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def pact_post(world, rows, **fields) -> dict:
    data = {
        "signed_on": f"15/01/{world.year}",
        "place": "Liên đoàn Lao động huyện Đầu",
        "meeting": "",
        "commitments": "Phát triển đoàn viên\n\nChăm lo đời sống",
        "joint_activities": "Giải bóng chuyền hơi nữ",
        "reason": "",
        "signatories-TOTAL_FORMS": str(len(rows)),
        "signatories-INITIAL_FORMS": str(len(rows)),
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "1000",
    }
    for index, (unit, person, title) in enumerate(rows):
        data[f"signatories-{index}-organization"] = str(unit.pk) if unit else ""
        data[f"signatories-{index}-person"] = person
        data[f"signatories-{index}-title"] = title
    return data | fields


# Rights -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("head_officer", 200),
        ("staff", 200),
        ("unit_officer", 403),
        ("deputy_officer", 403),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_edit_the_pact(client, setup, persona, status):
    make_pact(setup)
    client.force_login(setup.users[persona])
    for name in ("pact_edit", "pact_targets"):
        assert client.get(setup.urls[name]).status_code == status, name
    if status == 200:
        return
    before = Pact.objects.get().commitments
    response = client.post(setup.urls["pact_edit"], pact_post(setup, [], commitments="Khác"))
    assert response.status_code == status
    assert Pact.objects.get().commitments == before


@pytest.mark.parametrize("persona", ["unit_officer", "deputy_officer", "viewer", "head_officer"])
def test_everyone_who_reads_the_year_reads_the_pact(client, setup, persona):
    make_pact(setup)
    client.force_login(setup.users[persona])
    page = client.get(setup.urls["pact_detail"]).content.decode()
    assert "Phát triển đoàn viên" in page and "Nguyễn Văn 2" in page
    assert client.get(setup.urls["pact_preview"]).status_code == 200
    response = client.get(setup.urls["pact_pdf"])
    assert response["Content-Type"] == "application/pdf"
    can_edit = setup.urls["pact_edit"] in page
    assert can_edit == (persona == "head_officer")


def test_a_closed_year_refuses_every_change(client, setup):
    pact = make_pact(setup)
    ClusterYear.objects.filter(pk=setup.cluster_year.pk).update(status=ClusterYearStatus.CLOSED)
    # The head's rights end with the year; the staff are told why nothing can change.
    client.force_login(setup.users["head_officer"])
    assert client.get(setup.urls["pact_edit"]).status_code == 403
    client.force_login(setup.users["staff"])
    for name in ("pact_edit", "pact_targets"):
        response = client.get(setup.urls[name])
        assert response.status_code == 302 and response["Location"] == setup.urls["pact_detail"]
        assert f"Năm {setup.year} đã kết thúc" in texts(response)
    response = client.post(setup.urls["pact_edit"], pact_post(setup, [], commitments="Khác"))
    assert response.status_code == 302
    pact.refresh_from_db()
    assert "Khác" not in pact.commitments
    with pytest.raises(ValidationError):
        save_pact_targets(
            pact=pact,
            by=setup.users["staff"],
            targets={(setup.member_unit.pk, setup.new_members.pk): Decimal(5)},
        )
    assert not PactTarget.objects.exists()
    page = client.get(setup.urls["pact_detail"]).content.decode()
    assert setup.urls["pact_edit"] not in page


# Recording the pact -------------------------------------------------------------------------


def test_the_head_records_the_pact_with_its_signatories(client, setup):
    client.force_login(setup.users["head_officer"])
    page = client.get(setup.urls["pact_detail"]).content.decode()
    assert setup.urls["pact_edit"] in page  # "Record the pact"
    rows = [
        (setup.head_unit, "Nguyễn Văn An", "Chủ tịch"),
        (setup.member_unit, "Lê Thị Bích", "Phó Chủ tịch"),
        (None, "", ""),  # the deputy unit does not sign
    ]
    response = client.post(setup.urls["pact_edit"], pact_post(setup, rows))
    assert response.status_code == 302, texts(response)
    pact = Pact.objects.get(cluster_year=setup.cluster_year)
    assert pact.signed_on == D(setup.year, 1, 15)
    assert pact.commitment_lines == ["Phát triển đoàn viên", "Chăm lo đời sống"]
    signed = {s.organization_id: (s.person, s.title) for s in pact.signatories.all()}
    assert signed == {
        setup.head_unit.pk: ("Nguyễn Văn An", "Chủ tịch"),
        setup.member_unit.pk: ("Lê Thị Bích", "Phó Chủ tịch"),
    }
    record = pact.history.get()
    assert record.history_user == setup.users["head_officer"]
    assert record.history_change_reason
    # Taking a unit off the signatories removes it, with who did it.
    rows = [(setup.head_unit, "Nguyễn Văn An", "Chủ tịch")]
    client.post(setup.urls["pact_edit"], pact_post(setup, rows, reason="Đổi người ký"))
    assert list(pact.signatories.values_list("organization_id", flat=True)) == [setup.head_unit.pk]
    removed = PactSignatory.history.filter(history_type="-").get()
    assert removed.history_change_reason == "Đổi người ký"
    assert removed.history_user == setup.users["head_officer"]


def test_a_unit_listed_twice_is_refused_and_nothing_is_saved(client, setup):
    client.force_login(setup.users["head_officer"])
    rows = [
        (setup.head_unit, "Nguyễn Văn An", "Chủ tịch"),
        (setup.head_unit, "Trần Văn Bình", "Phó Chủ tịch"),
    ]
    response = client.post(setup.urls["pact_edit"], pact_post(setup, rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Liên đoàn Lao động huyện Đầu có tên hai lần trong danh sách đơn vị ký." in page
    assert "Chưa lưu: hãy sửa các ô được đánh dấu." in texts(response)
    assert not Pact.objects.exists() and not PactSignatory.objects.exists()
    with pytest.raises(ValidationError):
        save_pact(
            cluster_year=setup.cluster_year,
            by=None,
            signed_on=D(setup.year, 1, 15),
            signatories=[Signatory(setup.head_unit.pk), Signatory(setup.head_unit.pk)],
        )
    assert not Pact.objects.exists()


def test_bad_dates_and_units_are_refused(client, setup):
    client.force_login(setup.users["head_officer"])
    rows = [(setup.head_unit, "Nguyễn Văn An", "Chủ tịch")]
    for day in ("31/02/2025", "hôm qua", ""):
        response = client.post(setup.urls["pact_edit"], pact_post(setup, rows, signed_on=day))
        assert response.status_code == 200
    response = client.post(
        setup.urls["pact_edit"], pact_post(setup, rows, signed_on=f"15/01/{setup.year + 3}")
    )
    assert f"Giao ước thi đua năm {setup.year} được ký trong năm" in response.content.decode()
    outsider = OrganizationFactory()
    data = pact_post(setup, rows) | {"signatories-0-organization": str(outsider.pk)}
    response = client.post(setup.urls["pact_edit"], data)
    assert response.status_code == 200
    assert not Pact.objects.exists()


# Targets --------------------------------------------------------------------------------------


def targets_post(setup, values: dict) -> dict:
    """Every cell of the grid, blank unless given."""
    data = {"reason": ""}
    for entry in setup.cluster_year.member_entries():
        for indicator in setup.program.indicators.filter(has_target=True):
            data[target_field(entry.organization, indicator)] = ""
    for (unit, indicator), value in values.items():
        data[target_field(unit, indicator)] = value
    return data


def test_targets_in_vietnamese_format_become_the_results_targets(client, setup):
    pact = make_pact(setup)
    client.force_login(setup.users["head_officer"])
    page = client.get(setup.urls["pact_targets"]).content.decode()
    assert f'name="{target_field(setup.member_unit, setup.new_members)}"' in page
    # The member has already entered its actual figures: they stay.
    result = result_for(setup.cluster_year, setup.member_unit, by=None)
    save_result(
        result=result,
        by=None,
        base_version=result.version,
        figures={setup.new_members.pk: {"actual": Decimal(1300)}},
    )
    values = {
        (setup.member_unit, setup.new_members): "1.200",
        (setup.member_unit, setup.share): "95,5",
        (setup.head_unit, setup.new_members): "2 500",
    }
    response = client.post(setup.urls["pact_targets"], targets_post(setup, values))
    assert response.status_code == 302, texts(response)
    stored = {
        (t.organization_id, t.indicator_id): t.target for t in PactTarget.objects.filter(pact=pact)
    }
    assert stored == {
        (setup.member_unit.pk, setup.new_members.pk): Decimal(1200),
        (setup.member_unit.pk, setup.share.pk): Decimal("95.5"),
        (setup.head_unit.pk, setup.new_members.pk): Decimal(2500),
    }
    value = IndicatorValue.objects.get(result=result, indicator=setup.new_members)
    assert (value.target, value.actual) == (Decimal(1200), Decimal(1300))
    assert IndicatorValue.objects.get(result=result, indicator=setup.share).target == Decimal(
        "95.5"
    )
    # The head unit had no result: a draft is opened with the target.
    head_result = AnnualResult.objects.get(
        cluster_year=setup.cluster_year, organization=setup.head_unit
    )
    assert head_result.status == ResultStatus.DRAFT
    assert head_result.indicator_values.get().target == Decimal(2500)
    # Who and why, in the result's history.
    record = IndicatorValue.history.filter(result_id=result.pk, target=Decimal(1200)).get()
    assert record.history_user == setup.users["head_officer"]
    assert record.history_change_reason
    result.refresh_from_db()
    assert result.updated_by == setup.users["head_officer"]
    # The grid shows the figures back in the Vietnamese format.
    page = client.get(setup.urls["pact_targets"]).content.decode()
    assert 'value="1.200"' in page and 'value="95,5"' in page
    detail = client.get(setup.urls["pact_detail"]).content.decode()
    assert "1.200" in detail and "2.500" in detail


def test_saving_the_same_targets_again_writes_nothing(client, setup):
    pact = make_pact(setup)
    targets = {(setup.member_unit.pk, setup.new_members.pk): Decimal(1200)}
    save_pact_targets(pact=pact, by=None, targets=targets)
    result = AnnualResult.objects.get(organization=setup.member_unit)
    version = result.version
    report = save_pact_targets(pact=pact, by=None, targets=targets)
    assert report.updated == [] and report.locked == []
    result.refresh_from_db()
    assert result.version == version
    assert PactTarget.history.count() == 1


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-5", "Số liệu không thể âm."),
        ("mười", 'Không phải là số: "mười".'),
        ("1.2.3", 'Không phải là số: "1.2.3".'),
        ("12,5", "Số lượng phải là số nguyên."),
    ],
)
def test_bad_targets_are_refused_in_vietnamese_and_nothing_is_saved(client, setup, raw, message):
    make_pact(setup)
    client.force_login(setup.users["head_officer"])
    values = {
        (setup.head_unit, setup.new_members): "300",
        (setup.member_unit, setup.new_members): raw,
    }
    response = client.post(setup.urls["pact_targets"], targets_post(setup, values))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert "Chưa lưu: hãy sửa các ô được đánh dấu." in texts(response)
    assert not PactTarget.objects.exists()
    assert not AnnualResult.objects.exists()


def test_a_percent_target_takes_two_decimals_at_most(client, setup):
    make_pact(setup)
    client.force_login(setup.users["head_officer"])
    values = {(setup.member_unit, setup.share): "95,555"}
    response = client.post(setup.urls["pact_targets"], targets_post(setup, values))
    assert "Tối đa hai chữ số thập phân." in response.content.decode()
    assert not PactTarget.objects.exists()


def test_a_locked_result_is_skipped_and_named(client, setup):
    pact = make_pact(setup)
    locked = result_for(setup.cluster_year, setup.member_unit, by=None)
    save_result(
        result=locked,
        by=None,
        base_version=locked.version,
        figures={setup.new_members.pk: {"target": Decimal(40), "actual": Decimal(45)}},
    )
    AnnualResult.objects.filter(pk=locked.pk).update(status=ResultStatus.LOCKED)
    client.force_login(setup.users["staff"])
    values = {
        (setup.member_unit, setup.new_members): "1.200",
        (setup.deputy_unit, setup.new_members): "800",
    }
    response = client.post(setup.urls["pact_targets"], targets_post(setup, values))
    assert response.status_code == 302
    messages = texts(response)
    assert "Liên đoàn Lao động huyện Vĩnh Hảo" in messages
    # The pact keeps the signed target; the locked result keeps its own.
    assert PactTarget.objects.get(pact=pact, organization=setup.member_unit).target == 1200
    assert IndicatorValue.objects.get(result=locked).target == 40
    locked.refresh_from_db()
    assert locked.status == ResultStatus.LOCKED
    deputy = AnnualResult.objects.get(organization=setup.deputy_unit)
    assert deputy.indicator_values.get().target == 800


def test_a_verified_result_takes_the_target_and_stays_verified(setup):
    pact = make_pact(setup)
    result = result_for(setup.cluster_year, setup.member_unit, by=None)
    AnnualResult.objects.filter(pk=result.pk).update(status=ResultStatus.VERIFIED)
    report = save_pact_targets(
        pact=pact,
        by=setup.users["staff"],
        targets={(setup.member_unit.pk, setup.new_members.pk): Decimal(30)},
    )
    assert report.updated == ["Liên đoàn Lao động huyện Vĩnh Hảo"]
    result.refresh_from_db()
    assert result.status == ResultStatus.VERIFIED
    assert result.indicator_values.get().target == 30


def test_a_target_taken_out_of_the_pact_is_cleared_where_the_pact_had_put_it(setup):
    pact = make_pact(setup)
    key = (setup.member_unit.pk, setup.new_members.pk)
    other = (setup.head_unit.pk, setup.new_members.pk)
    save_pact_targets(pact=pact, by=None, targets={key: Decimal(50), other: Decimal(60)})
    # The head unit's officer changed its own result's target since.
    head_result = AnnualResult.objects.get(organization=setup.head_unit)
    save_result(
        result=head_result,
        by=None,
        base_version=head_result.version,
        figures={setup.new_members.pk: {"target": Decimal(65)}},
    )
    save_pact_targets(pact=pact, by=None, targets={key: None, other: None})
    assert not PactTarget.objects.exists()
    member = AnnualResult.objects.get(organization=setup.member_unit)
    assert member.indicator_values.get().target is None
    assert head_result.indicator_values.get().target == 65


def test_the_targets_need_a_pact_and_a_programme(client, world):
    client.force_login(world.users["head_officer"])
    url = reverse("clusters:pact_targets", args=[world.cluster.code, world.year])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/pact/edit/")
    make_pact(world)
    page = client.get(url).content.decode()
    assert "targets-grid" not in page  # no programme yet: no indicators


def test_the_targets_grid_and_the_pact_page_queries_do_not_grow_with_the_members(client, setup):
    make_pact(setup)
    client.force_login(setup.users["head_officer"])
    url, detail = setup.urls["pact_targets"], setup.urls["pact_detail"]
    before = count_queries(client, url)
    detail_before = count_queries(client, detail)
    pact = Pact.objects.get()
    for index in range(4):
        unit = OrganizationFactory(parent=setup.province)
        setup.cluster_year.memberships.create(organization=unit)
        PactSignatory.objects.create(
            pact=pact, organization=unit, person=f"Trần Văn {index}", title="Chủ tịch"
        )
    for entry in setup.cluster_year.member_entries():
        PactTarget.objects.create(
            pact=pact, organization=entry.organization, indicator=setup.new_members, target=10
        )
    client.force_login(fresh(setup.users["head_officer"]))
    assert count_queries(client, url) == before
    page = client.get(detail).content.decode()
    assert "Trần Văn 3" in page  # the page lists the new members
    assert count_queries(client, detail) == detail_before


# The cluster page and the printed pact ----------------------------------------------------------


def test_the_cluster_page_offers_the_pact(client, setup):
    client.force_login(setup.users["unit_officer"])
    url = reverse("clusters:cluster_year", args=[setup.cluster.code, setup.year])
    page = client.get(url).content.decode()
    assert setup.urls["pact_detail"] in page and setup.urls["pact_pdf"] not in page
    make_pact(setup)
    page = client.get(url).content.decode()
    assert setup.urls["pact_preview"] in page and setup.urls["pact_pdf"] in page


def test_the_printed_pact(setup, tmp_path):
    pact = make_pact(setup)
    save_pact_targets(
        pact=pact,
        by=None,
        targets={
            (setup.member_unit.pk, setup.new_members.pk): Decimal(1200),
            (setup.member_unit.pk, setup.share.pk): Decimal("95.5"),
        },
    )
    output = tmp_path / "p.pdf"
    call_command(
        "export_document", "pact", cluster=setup.cluster.code, year=setup.year, output=str(output)
    )
    text = pdf_text(output)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM" in text and "CỤM THI ĐUA SỐ 1" in text
    assert "GIAO ƯỚC THI ĐUA" in text
    assert f"Năm {setup.year} – Cụm thi đua số 1" in text
    assert f"ngày 15 tháng 01 năm {setup.year}" in text
    assert "Liên đoàn Lao động huyện Vĩnh Hảo" in text
    assert "1.200" in text and "95,5" in text
    assert "1. Phát triển đoàn viên" in text and "Giải bóng chuyền hơi nữ" in text
    # A signature block for every member unit: its name in capitals, its signer.
    for unit in ("LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẦU", "LIÊN ĐOÀN LAO ĐỘNG HUYỆN VĨNH HẢO"):
        assert unit in text
    assert "Nguyễn Văn 0" in text and "Nguyễn Văn 2" in text


def test_export_document_without_a_pact_fails_clearly_and_writes_nothing(setup, tmp_path):
    with pytest.raises(CommandError, match="chưa có giao ước thi đua năm"):
        call_command(
            "export_document",
            "pact",
            cluster=setup.cluster.code,
            year=setup.year,
            output=str(tmp_path / "p.pdf"),
        )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CommandError, match=r"Hiện có: \.pdf"):
        call_command(
            "export_document",
            "pact",
            cluster=setup.cluster.code,
            year=setup.year,
            output=str(tmp_path / "p.xlsx"),
        )


# The demo ---------------------------------------------------------------------------------------


def test_export_document_pact_of_the_demo(demo, tmp_path):  # noqa: F811
    output = tmp_path / "b.pdf"
    call_command("export_document", "pact", cluster="binh-thuan-1", year=2025, output=str(output))
    text = pdf_text(output)
    assert "GIAO ƯỚC THI ĐUA" in text and "Năm 2025 – Cụm thi đua số 1" in text
    assert "Bắc Bình, ngày 14 tháng 12 năm 2024" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN TUY PHONG" in text and "Phạm Thị Thu" in text
    year = timezone.localdate().year
    output = tmp_path / "l.pdf"
    call_command("export_document", "pact", cluster="lam-dong-1", year=year, output=str(output))
    text = pdf_text(output)
    assert "Công đoàn phường Phan Thiết" in text and "Trần Minh Tuấn" in text
    assert "Kế hoạch số 08/KH-LĐLĐ" in text
    assert "Công đoàn cơ sở thành lập mới" in text  # the targets table


def test_the_demo_pacts_targets_are_the_results_targets(demo):  # noqa: F811
    current = ClusterYear.objects.get(cluster__code="lam-dong-1", year=timezone.localdate().year)
    pact = current.pact
    assert pact.signatories.count() == current.memberships.count()
    targets = {(t.organization_id, t.indicator_id): t.target for t in pact.targets.all()}
    assert len(targets) == current.memberships.count() * 11
    held = {
        (v.result.organization_id, v.indicator_id): v.target
        for v in IndicatorValue.objects.filter(result__cluster_year=current).select_related(
            "result"
        )
        if v.indicator.has_target
    }
    assert held == targets
    # The seeded results keep their status and scores: nothing of theirs was rewritten.
    statuses = dict(current.results.values_list("organization__code", "status"))
    assert statuses["cd-xa-tuy-phong"] == ResultStatus.VERIFIED
    assert statuses["cdcs-vinh-hao"] == ResultStatus.SUBMITTED
    assert statuses["cd-phuong-mui-ne"] == ResultStatus.DRAFT
    signed = pact.history.earliest("history_date").history_date
    seeded = current.results.filter(
        organization__code__in=["cd-xa-tuy-phong", "cdcs-vinh-hao", "cd-phuong-mui-ne"]
    )
    assert not AnnualResult.history.filter(
        id__in=seeded.values("pk"), history_date__gt=signed
    ).exists()
    pact_2025 = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2025).pact
    assert (
        pact_2025.signed_on == D(2024, 12, 14)
        and pact_2025.place == "Liên đoàn Lao động huyện Bắc Bình"
    )
    assert not pact_2025.targets.exists()  # the organiser has no 2025 programme in the demo
    # Signed at the 2024 review when the demo holds it.
    review = Meeting.objects.filter(
        cluster_year__cluster__code="binh-thuan-1", cluster_year__year=2024, kind="review"
    ).first()
    assert pact_2025.meeting == review
    assert REASON in pact_2025.history.get().history_change_reason


def test_the_outgoing_head_records_next_years_pact_while_its_review_runs(client, bt1):  # noqa: F811
    from clusters.models import ClusterYear, ClusterYearStatus
    from clusters.services.meetings import create_review, save_attendance

    w = bt1
    next_year = ClusterYear.objects.create(
        cluster=w.cluster_year.cluster,
        year=2025,
        head=w.units["ldld-tuy-phong"],
        status=ClusterYearStatus.SETUP,
    )
    for unit in w.units.values():
        next_year.memberships.create(organization=unit)
    url = reverse("clusters:pact_edit", args=["bt-1", 2025])
    rows = [(unit, f"Người ký {index}", "Chủ tịch") for index, unit in enumerate(w.units.values())]
    data = pact_post(next_year, rows, signed_on="14/12/2024", place="Bắc Bình")
    client.force_login(w.head)  # Bắc Bình, head of 2024 only
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert not Pact.objects.exists()
    meeting = create_review(
        w.cluster_year, by=w.head, held_on=datetime.date(2024, 12, 14), place="Bắc Bình"
    )
    save_attendance(meeting, {u.pk: {"present": True} for u in w.units.values()}, by=w.head)
    assert client.get(url).status_code == 200
    response = client.post(url, data | {"meeting": str(meeting.pk)})
    assert response.status_code == 302, texts(response)
    pact = Pact.objects.get(cluster_year=next_year)
    assert (pact.signed_on, pact.meeting) == (D(2024, 12, 14), meeting)
    assert pact.signatories.count() == 5
    assert pact.history.get().history_user == w.head
    # Once the review is over, next year's pact is its own head's.
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    assert client.post(url, data | {"place": "Tuy Phong"}).status_code == 403
    pact.refresh_from_db()
    assert pact.place == "Bắc Bình"
