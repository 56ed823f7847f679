"""The award forms an organisation confers and its rules of a year, kept by its own staff at
/awards/types/<code>/: the defaults of its level as a proposal, editing, copying last year's
rules, who reads and who keeps them, the vote's pointer there, the folded search."""

from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import AwardKind, AwardRule, AwardType, RuleScope
from awards.services.award_forms import apply_defaults, copy_rules, default_forms
from clusters.models import Level, OrganizationKind
from tests.factories import OfficerFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(code, **query):
    base = reverse("awards:award_forms", args=[code])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    ("kind", "kinds"),
    [
        (
            OrganizationKind.PROVINCIAL,
            [AwardKind.LEADING_FLAG, AwardKind.EXCELLENT_FLAG, AwardKind.CERTIFICATE],
        ),
        (
            OrganizationKind.CENTRAL_SECTOR,
            [AwardKind.LEADING_FLAG, AwardKind.EXCELLENT_FLAG, AwardKind.CERTIFICATE],
        ),
        (
            OrganizationKind.CONFEDERATION,
            [AwardKind.LEADING_FLAG, AwardKind.CERTIFICATE, AwardKind.MEDAL],
        ),
        (OrganizationKind.DISTRICT, [AwardKind.GIAY_KHEN]),
        (OrganizationKind.COMMUNE, [AwardKind.GIAY_KHEN]),
        (OrganizationKind.GRASSROOTS, [AwardKind.GIAY_KHEN]),
    ],
)
def test_defaults_per_level(kind, kinds):
    org = OrganizationFactory(kind=kind, name="Đơn vị Thử")
    proposal = default_forms(org)
    assert [p.kind for p in proposal] == kinds
    created = apply_defaults(organization=org, year=2025, by=None)
    assert [t.kind for t in created] == kinds
    assert all("Đơn vị Thử" in t.name for t in created if t.kind != AwardKind.MEDAL)


def test_province_defaults_are_the_demo_configuration():
    province = OrganizationFactory(kind=OrganizationKind.PROVINCIAL, name="LĐLĐ tỉnh A")
    apply_defaults(organization=province, year=2025, by=None)
    rules = {
        r.award_type.kind: (r.scope, r.max_count, r.max_percent, r.blocking)
        for r in AwardRule.objects.filter(organizer=province, year=2025)
    }
    assert rules == {
        AwardKind.LEADING_FLAG: (RuleScope.CLUSTER, 1, None, True),
        AwardKind.EXCELLENT_FLAG: (RuleScope.CLUSTER, 2, None, False),
        AwardKind.CERTIFICATE: (RuleScope.SHARE, None, Decimal(20), False),
    }
    flags = AwardType.objects.filter(organizer=province, requires_level=Level.EXCELLENT)
    assert flags.count() == 2


def test_confederation_confers_the_leading_flag_and_the_medal_to_individuals():
    tld = OrganizationFactory(kind=OrganizationKind.CONFEDERATION, name="Tổng LĐLĐ Việt Nam")
    forms = {p.kind: p for p in default_forms(tld)}
    assert "xuất sắc dẫn đầu" in forms[AwardKind.LEADING_FLAG].name
    assert forms[AwardKind.MEDAL].recipient == "individual"


def test_defaults_only_for_an_organisation_without_forms():
    org = OrganizationFactory(kind=OrganizationKind.PROVINCIAL)
    apply_defaults(organization=org, year=2025, by=None)
    with pytest.raises(Exception, match="đã có"):
        apply_defaults(organization=org, year=2025, by=None)


class Province:
    pass


@pytest.fixture
def p():
    """A province with its staff and viewer, a district below it heading a cluster of the
    province, another district that is only a member, and an unrelated province."""
    from tests.factories import ClusterFactory, ClusterYearFactory

    w = Province()
    w.province = OrganizationFactory(
        code="tinh", name="Liên đoàn Lao động tỉnh Thử", kind=OrganizationKind.PROVINCIAL
    )
    w.head_unit = OrganizationFactory(code="huyen-a", parent=w.province)
    w.member_unit = OrganizationFactory(code="huyen-b", parent=w.province)
    w.cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=w.province, code="cum-1"),
        year=2025,
        head=w.head_unit,
        members=[w.head_unit, w.member_unit],
    )
    w.staff = OfficerFactory(
        organization=w.province, user=UserFactory(first_name="Nguyễn Thị Lan", last_name="")
    ).user
    w.viewer = OfficerFactory(organization=w.province, role="viewer").user
    w.head = OfficerFactory(organization=w.head_unit).user
    w.member = OfficerFactory(organization=w.member_unit).user
    w.outsider = OfficerFactory(
        organization=OrganizationFactory(kind=OrganizationKind.PROVINCIAL)
    ).user
    return w


def test_staff_confirm_the_proposal_then_edit_a_form_with_a_reason(client, p):
    client.force_login(p.staff)
    page = client.get(url("tinh", year=2025)).content.decode()
    assert "Dùng các hình thức này" in page and "Cờ thi đua của Liên đoàn Lao động tỉnh Thử" in page
    response = client.post(reverse("awards:award_forms_defaults", args=["tinh"]), {"year": "2025"})
    assert response.status_code == 302
    types = list(AwardType.objects.filter(organizer=p.province).order_by("order"))
    assert len(types) == 3
    page = client.get(url("tinh", year=2025))
    formset = page.context["types_formset"]
    data = {
        f"types-{key}": value
        for key, value in {
            "TOTAL_FORMS": "4",
            "INITIAL_FORMS": "3",
            "MIN_NUM_FORMS": "0",
            "MAX_NUM_FORMS": "1000",
        }.items()
    }
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if isinstance(field.widget, type(form.fields["active"].widget)):
                if value:
                    data[f"types-{index}-{name}"] = "on"
            elif value is not None:
                data[f"types-{index}-{name}"] = value.pk if hasattr(value, "pk") else value
    data["types-2-name"] = "Bằng khen của Ban Chấp hành Liên đoàn Lao động tỉnh Thử"
    data["types-3-name"] = "Giấy khen của Liên đoàn Lao động tỉnh Thử"
    data["types-3-kind"] = AwardKind.GIAY_KHEN
    data["types-3-recipient"] = "collective"
    data["types-3-order"] = "4"
    data["types-3-active"] = "on"
    data.update(section="types", year="2025")
    assert client.post(url("tinh", year=2025), data).status_code == 200  # no reason
    data["reason"] = "Theo Quy chế khen thưởng 2025"
    response = client.post(url("tinh", year=2025), data)
    assert response.status_code == 302, response.context["types_formset"].errors
    certificate = AwardType.objects.get(organizer=p.province, kind=AwardKind.CERTIFICATE)
    assert certificate.name.startswith("Bằng khen của Ban Chấp hành")
    assert certificate.history.first().history_change_reason == "Theo Quy chế khen thưởng 2025"
    assert AwardType.objects.filter(organizer=p.province, kind=AwardKind.GIAY_KHEN).exists()


def test_a_share_rule_needs_its_percent(client, p):
    apply_defaults(organization=p.province, year=2025, by=None)
    client.force_login(p.staff)
    flag = AwardType.objects.get(organizer=p.province, kind=AwardKind.LEADING_FLAG)
    rules = list(AwardRule.objects.filter(organizer=p.province, year=2025).order_by("pk"))
    data = {
        "rules-TOTAL_FORMS": "4",
        "rules-INITIAL_FORMS": "3",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "section": "rules",
        "year": "2025",
        "reason": "Bổ sung",
    }
    for index, rule in enumerate(rules):
        data |= {
            f"rules-{index}-id": rule.pk,
            f"rules-{index}-award_type": rule.award_type_id,
            f"rules-{index}-scope": rule.scope,
            f"rules-{index}-max_count": rule.max_count or "",
            f"rules-{index}-max_percent": rule.max_percent or "",
        }
    data |= {"rules-3-award_type": flag.pk, "rules-3-scope": RuleScope.SHARE}
    response = client.post(url("tinh", year=2025), data)
    assert response.status_code == 200
    assert "cần có tỷ lệ" in response.content.decode()
    data["rules-3-max_percent"] = "12,5"
    data["rules-0-DELETE"] = "on"
    assert client.post(url("tinh", year=2025), data).status_code == 302
    saved = AwardRule.objects.filter(organizer=p.province, year=2025)
    assert saved.count() == 3
    assert saved.filter(award_type=flag, scope=RuleScope.SHARE, max_percent=Decimal("12.5"))


def test_copy_from_last_year_only_into_an_empty_year(client, p):
    apply_defaults(organization=p.province, year=2024, by=None)
    medal = AwardType.objects.create(
        organizer=p.province, name="Cũ", kind=AwardKind.MEDAL, active=False
    )
    AwardRule.objects.create(
        organizer=p.province, year=2024, award_type=medal, scope="cluster", max_count=1
    )
    client.force_login(p.staff)
    page = client.get(url("tinh", year=2026)).content.decode()
    assert "Sao chép quy định năm 2024" in page
    client.post(reverse("awards:award_forms_copy", args=["tinh"]), {"year": "2026"})
    copied = AwardRule.objects.filter(organizer=p.province, year=2026)
    assert copied.count() == 3  # the form no longer in use is left out
    assert copied.first().history.first().history_change_reason.startswith("Sao chép")
    with pytest.raises(Exception, match="đã có"):
        copy_rules(organization=p.province, year=2026, by=None)


def test_head_reads_the_page_without_forms_to_change(client, p):
    apply_defaults(organization=p.province, year=2025, by=None)
    client.force_login(p.head)
    response = client.get(url("tinh", year=2025))
    assert response.status_code == 200
    assert response.context["types_formset"] is None
    assert "Chỉ xem" in response.content.decode()
    assert client.post(url("tinh"), {"section": "types"}).status_code == 403
    assert client.post(reverse("awards:award_forms_defaults", args=["tinh"])).status_code == 403


def test_other_readers_403_and_outsiders_404(client, p):
    client.force_login(p.member)
    assert client.get(url("tinh")).status_code == 403
    client.force_login(p.outsider)
    assert client.get(url("tinh")).status_code == 404


def test_vote_without_forms_links_staff_there_and_tells_the_head_whom_to_ask(client, p):
    from datetime import date

    from clusters.services.meetings import create_review

    meeting = create_review(p.cluster_year, by=None, held_on=date(2025, 12, 14), place="Hội trường")
    vote_url = reverse("awards:meeting_vote", args=["cum-1", 2025, meeting.pk])
    client.force_login(p.staff)
    page = client.get(vote_url).content.decode()
    assert url("tinh") in page
    client.force_login(p.head)
    page = client.get(vote_url).content.decode()
    assert url("tinh") not in page
    assert "Liên đoàn Lao động tỉnh Thử" in page and "Nguyễn Thị Lan" in page


def test_award_type_search_folds_diacritics(client, p):
    AwardType.objects.create(
        organizer=p.province, name="Cờ thi đua xuất sắc", kind=AwardKind.EXCELLENT_FLAG
    )
    AwardType.objects.create(organizer=p.province, name="Bằng khen", kind=AwardKind.CERTIFICATE)
    client.force_login(p.staff)
    for query in ("co thi dua", "CỜ THI ĐUA", "Xuat Sac"):
        found = client.get(reverse("awards:award_type_autocomplete"), {"q": query}).json()
        assert [r["text"].split(" – ")[0] for r in found["results"]] == ["Cờ thi đua xuất sắc"]


def test_types_is_a_reserved_cluster_code():
    from clusters.forms.cluster_setup import RESERVED_CODES

    assert "types" in RESERVED_CODES
