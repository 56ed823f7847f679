"""Decisions, the award register, revocation, the honour roll and the fairness view, through
HTTP: who may do what, bad input refused with nothing saved, and constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import (
    Award,
    AwardStatus,
    Decision,
    HonourRoll,
    Nomination,
    NominationStatus,
)
from awards.services.approval import approve, downgrade, record_decision, submit
from awards.tables.register import REVOKE_FORM_STAND_IN
from awards.views.fairness import rotation_runs
from awards.views.register import decided_pairs, honour_roll_links
from clusters.models import AnnualResult, ClusterYearStatus
from tests.awards.conftest import approval  # noqa: F401
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401
from tests.clusters.test_views import count_queries
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def approved(approval):  # noqa: F811
    """The proposal submitted; the flag approved, the certificate downgraded to a giấy
    khen."""
    w = approval
    submit(w.cluster_year, by=w.head)
    w.flag_nomination = approve(w.flag_nomination, by=w.staff)
    w.certificate_nomination = downgrade(
        w.certificate_nomination,
        by=w.staff,
        award_type=w.giay_khen,
        reason="Thành tích chưa tương xứng với Bằng khen.",
    )
    return w


@pytest.fixture
def decided(approved):
    """Both nominations granted by decision 125/QĐ-LĐLĐ."""
    w = approved
    w.decision = record_decision(
        organizer=w.province,
        year=2024,
        number="125/QĐ-LĐLĐ",
        signed_on=D(2025, 1, 20),
        signer="Nguyễn Văn Bình",
        signer_title="Chủ tịch",
        nominations=[w.flag_nomination, w.certificate_nomination],
        by=w.staff,
    )
    w.flag_award = Award.objects.get(nomination=w.flag_nomination)
    w.certificate_award = Award.objects.get(nomination=w.certificate_nomination)
    return w


def english(client, user=None):
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def texts(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def create_url(w, year=2024):
    return reverse("awards:decision_create") + f"?organizer={w.province.code}&year={year}"


def decision_data(w, number="125/QĐ-LĐLĐ", nominations=None, **extra):
    nominations = nominations or [w.flag_nomination, w.certificate_nomination]
    return {
        "organizer": w.province.code,
        "year": "2024",
        "number": number,
        "signed_on": "20/01/2025",
        "signer": "Nguyễn Văn Bình",
        "signer_title": "Chủ tịch",
        "nominations": [n.pk for n in nominations],
        **extra,
    }


# Decisions ----------------------------------------------------------------------------------


def test_staff_records_a_decision_and_the_nominations_become_awards(client, approved):
    w = approved
    english(client, w.staff)
    page = client.get(create_url(w))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Liên đoàn Lao động huyện Tuy Phong" in body
    assert "Liên đoàn Lao động thành phố Phan Thiết" in body
    # The downgraded nomination shows the granted form and the proposed one.
    assert "Giấy khen của Liên đoàn Lao động tỉnh" in body
    assert "proposed: Bằng khen của Liên đoàn Lao động tỉnh" in body
    assert page.context["checked"] == {w.flag_nomination.pk, w.certificate_nomination.pk}

    scan = SimpleUploadedFile("qd-125.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(create_url(w), decision_data(w, scan=scan))
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:decision_detail", args=[decision.pk])
    assert decision.signed_on == D(2025, 1, 20) and decision.created_by == w.staff
    awards = {a.organization.code: a for a in Award.objects.select_related("award_type")}
    assert awards["ldld-tuy-phong"].award_type == w.flag
    assert awards["ldld-tp-phan-thiet"].award_type == w.giay_khen
    assert set(Nomination.objects.values_list("status", flat=True)) == {NominationStatus.AWARDED}

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "125/QĐ-LĐLĐ" in detail.content.decode()
    assert "recorded" in " ".join(texts(detail))
    scan_response = client.get(reverse("awards:decision_scan", args=[decision.pk]))
    assert scan_response.status_code == 200
    assert b"".join(scan_response.streaming_content).startswith(b"%PDF")


def test_a_bad_scan_or_a_missing_field_saves_nothing(client, approved):
    w = approved
    english(client, w.staff)
    fake = SimpleUploadedFile("qd.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(create_url(w), decision_data(w, scan=fake))
    assert response.status_code == 200
    assert "does not match its type" in response.content.decode()
    exe = SimpleUploadedFile("qd.exe", b"%PDF", content_type="application/octet-stream")
    response = client.post(create_url(w), decision_data(w, scan=exe))
    assert "PDF, JPG or PNG" in response.content.decode()
    response = client.post(create_url(w), decision_data(w, signed_on="31/02/2025"))
    assert response.status_code == 200
    response = client.post(create_url(w), decision_data(w) | {"nominations": []})
    assert "Select at least one approved nomination." in response.content.decode()
    assert not Decision.objects.exists() and not Award.objects.exists()


def test_deciding_the_same_nominations_twice_is_refused(client, approved):
    w = approved
    english(client, w.staff)
    client.post(create_url(w), decision_data(w))
    assert Award.objects.count() == 2
    response = client.post(create_url(w), decision_data(w, number="126/QĐ-LĐLĐ"))
    assert response.status_code == 200
    assert any("decided already" in m for m in texts(response))
    assert Decision.objects.count() == 1 and Award.objects.count() == 2


def test_a_decision_number_cannot_be_recorded_twice(client, approved):
    w = approved
    english(client, w.staff)
    client.post(create_url(w), decision_data(w, nominations=[w.flag_nomination]))
    response = client.post(create_url(w), decision_data(w, nominations=[w.certificate_nomination]))
    assert any("has been recorded already" in m for m in texts(response))
    assert Decision.objects.count() == 1
    w.certificate_nomination.refresh_from_db()
    assert w.certificate_nomination.status == NominationStatus.DOWNGRADED
    # Only the nomination still waiting is offered.
    page = client.get(create_url(w))
    assert [n.pk for n in page.context["form"].grantable] == [w.certificate_nomination.pk]


def test_the_head_cannot_record_a_decision(client, approved):
    w = approved
    client.force_login(w.head)
    assert client.get(create_url(w)).status_code == 403
    assert client.post(create_url(w), decision_data(w)).status_code == 403
    assert client.get(reverse("awards:decision_list")).status_code == 403  # not the staff
    assert not Decision.objects.exists()


def test_an_outsider_gets_404_on_the_decision_and_its_scan(client, decided):
    w = decided
    other = OrganizationFactory(code="ldld-khac", kind="provincial")
    outsider = OfficerFactory(organization=other).user
    client.force_login(outsider)
    assert client.get(reverse("awards:decision_detail", args=[w.decision.pk])).status_code == 404
    assert client.get(reverse("awards:decision_scan", args=[w.decision.pk])).status_code == 404
    # Another province's staff who keep no cluster have no decisions page at all.
    assert client.get(reverse("awards:decision_list")).status_code == 403
    # Within scope, a decision without a scan has nothing to download.
    client.force_login(w.staff)
    assert client.get(reverse("awards:decision_scan", args=[w.decision.pk])).status_code == 404


def test_the_decision_list_shows_and_exports_the_decisions(client, decided):
    w = decided
    english(client, w.staff)
    response = client.get(reverse("awards:decision_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "125/QĐ-LĐLĐ" in body and "Nguyễn Văn Bình" in body
    csv = client.get(reverse("awards:decision_list") + "?_export=csv")
    content = csv.content.decode("utf-8-sig")
    assert "125/QĐ-LĐLĐ" in content and "20/01/2025" in content


# Revocation ---------------------------------------------------------------------------------


def revoke_url(award):
    return reverse("awards:award_revoke", args=[award.pk])


def test_revoking_needs_a_reason_and_a_decision_and_keeps_the_record(client, decided):
    w = decided
    english(client, w.staff)
    award = w.flag_award
    response = client.post(
        revoke_url(award), {"reason": "", "decision_reference": "30/QĐ-LĐLĐ"}, follow=True
    )
    assert "Give a reason." in texts(response)
    response = client.post(
        revoke_url(award), {"reason": "Khai man thành tích", "decision_reference": " "}, follow=True
    )
    assert "Give the decision that revokes the award." in texts(response)
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE

    response = client.post(
        revoke_url(award),
        {
            "reason": "Khai man thành tích",
            "decision_reference": "30/QĐ-LĐLĐ ngày 02/5/2025",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("awards:register"))
    award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED
    assert award.revoked_reason == "Khai man thành tích"
    assert award.revoked_by_decision == "30/QĐ-LĐLĐ ngày 02/5/2025"
    assert Award.objects.count() == 2
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == NominationStatus.REVOKED
    # Once revoked, it cannot be revoked again.
    response = client.post(
        revoke_url(award), {"reason": "Lần hai", "decision_reference": "31/QĐ"}, follow=True
    )
    assert "The award has been revoked already." in texts(response)


def test_only_the_organisers_staff_revoke(client, decided):
    w = decided
    data = {"reason": "Khai man", "decision_reference": "30/QĐ-LĐLĐ"}
    client.force_login(w.head)
    assert client.post(revoke_url(w.flag_award), data).status_code == 403
    outsider = OfficerFactory(organization=OrganizationFactory(kind="provincial")).user
    client.force_login(outsider)
    assert client.post(revoke_url(w.flag_award), data).status_code == 404
    client.force_login(w.staff)
    assert client.get(revoke_url(w.flag_award)).status_code == 405
    w.flag_award.refresh_from_db()
    assert w.flag_award.status == AwardStatus.ACTIVE


# The register -------------------------------------------------------------------------------


def register(client, query=""):
    response = client.get(reverse("awards:register") + query)
    assert response.status_code == 200
    return response


def listed(response):
    return sorted(
        row.record.organization.code for row in response.context["table"].page.object_list
    )


def test_the_register_filters_by_year_unit_form_decision_and_status(client, decided):
    w = decided
    english(client, w.staff)
    tuy_phong = w.units["ldld-tuy-phong"]
    assert listed(register(client)) == ["ldld-tp-phan-thiet", "ldld-tuy-phong"]
    history = register(client, f"?organization={tuy_phong.pk}")
    assert listed(history) == ["ldld-tuy-phong"]
    assert "Liên đoàn Lao động huyện Tuy Phong" in history.content.decode()
    assert listed(register(client, "?q=phan+thiet")) == ["ldld-tp-phan-thiet"]
    assert listed(register(client, f"?award_type={w.giay_khen.pk}")) == ["ldld-tp-phan-thiet"]
    assert len(listed(register(client, "?decision=125"))) == 2
    assert listed(register(client, "?decision=999")) == []
    assert len(listed(register(client, "?year=2024"))) == 2
    w.flag_award.status = AwardStatus.REVOKED
    w.flag_award.revoked_reason = "Khai man"
    w.flag_award.revoked_by_decision = "30/QĐ-LĐLĐ"
    w.flag_award.save()
    revoked = register(client, "?status=revoked")
    assert listed(revoked) == ["ldld-tuy-phong"]
    assert "Khai man" in revoked.content.decode()
    assert listed(register(client, "?status=active")) == ["ldld-tp-phan-thiet"]


def test_the_register_exports_and_a_member_reads_it_without_revoking(client, decided):
    w = decided
    english(client, w.staff)
    xlsx = client.get(reverse("awards:register") + "?_export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    csv = client.get(reverse("awards:register") + "?_export=csv").content.decode("utf-8-sig")
    assert "Liên đoàn Lao động huyện Tuy Phong" in csv and "125/QĐ-LĐLĐ" in csv
    assert "Revoke" not in csv
    staff_page = register(client).content.decode()
    assert reverse("awards:award_revoke", args=[w.flag_award.pk]) in staff_page
    assert reverse("awards:decision_detail", args=[w.decision.pk]) in staff_page
    # Each row's revoke form (drawn once per table) is that award's, with its own fields.
    active = list(Award.objects.filter(status=AwardStatus.ACTIVE))
    assert len(active) >= 2
    for award in active:
        assert f'action="{reverse("awards:award_revoke", args=[award.pk])}"' in staff_page
        assert f'<label class="form-label small mb-0" for="revoke-reason-{award.pk}">' in staff_page
        assert f'id="revoke-decision-{award.pk}"' in staff_page
    assert staff_page.count('name="csrfmiddlewaretoken"') >= len(active)
    assert str(REVOKE_FORM_STAND_IN) not in staff_page

    english(client, w.tuy_phong)
    page = register(client).content.decode()
    assert "Liên đoàn Lao động huyện Tuy Phong" in page
    assert reverse("awards:award_revoke", args=[w.flag_award.pk]) not in page
    assert reverse("awards:decision_detail", args=[w.decision.pk]) not in page


def make_award(cluster_year, organization, award_type, decision, status=AwardStatus.ACTIVE):
    nomination = Nomination.objects.create(
        cluster_year=cluster_year,
        organization=organization,
        award_type=award_type,
        status=NominationStatus.AWARDED,
    )
    return Award.objects.create(
        decision=decision,
        nomination=nomination,
        organization=organization,
        award_type=award_type,
        cluster_year=cluster_year,
        year=cluster_year.year,
        status=status,
    )


def add_cluster_with_award(w, decision, organizer=None):
    """A 2024 cluster of three new units of `organizer` (the province by default), the second
    awarded by `decision`."""
    organizer = organizer or w.province
    members = [OrganizationFactory(parent=organizer) for _ in range(3)]
    cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=organizer),
        year=2024,
        head=members[0],
        members=members,
    )
    make_award(cluster_year, members[1], w.certificate, decision)
    return cluster_year


def test_the_register_query_count_does_not_grow_with_the_rows(client, decided):
    w = decided
    client.force_login(w.staff)
    url = reverse("awards:register")
    before = count_queries(client, url)
    for _ in range(6):
        add_cluster_with_award(w, w.decision)
    assert count_queries(client, url) == before
    decisions = reverse("awards:decision_list")
    before = count_queries(client, decisions)
    for n in range(5):
        Decision.objects.create(
            organizer=w.province,
            year=2024,
            number=f"{200 + n}/QĐ-LĐLĐ",
            signed_on=D(2025, 2, 1),
            signer="Nguyễn Văn Bình",
        )
    assert count_queries(client, decisions) == before
    detail = reverse("awards:decision_detail", args=[w.decision.pk])
    before = count_queries(client, detail)
    add_cluster_with_award(w, w.decision)
    assert count_queries(client, detail) == before


# The honour roll ----------------------------------------------------------------------------


def honour_url(w, name="awards:honour_roll"):
    return reverse(name, args=[w.province.code, 2024])


def test_the_honour_roll_is_public_only_once_published(client, decided):
    w = decided
    english(client)
    assert client.get(honour_url(w)).status_code == 404
    client.force_login(w.head)
    assert client.get(honour_url(w)).status_code == 404
    assert client.post(honour_url(w, "awards:honour_roll_publish")).status_code == 403
    assert not HonourRoll.objects.filter(published=True).exists()

    client.force_login(w.staff)
    page = client.get(honour_url(w))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Not published" in body
    # Flags first, then the giấy khen.
    assert body.index("Cờ thi đua của Liên đoàn") < body.index("Giấy khen của Liên đoàn")
    assert "Liên đoàn Lao động huyện Tuy Phong" in body
    response = client.post(honour_url(w, "awards:honour_roll_publish"), {"published": "1"})
    assert response.status_code == 302
    roll = HonourRoll.objects.get()
    assert roll.published and roll.changed_by == w.staff

    client.logout()
    public = client.get(honour_url(w))
    assert public.status_code == 200
    body = public.content.decode()
    assert "Liên đoàn Lao động thành phố Phan Thiết" in body
    assert "125/QĐ-LĐLĐ" in body
    assert "Unpublish" not in body

    # A revoked award leaves the honour roll (and stays in the register).
    w.flag_award.status = AwardStatus.REVOKED
    w.flag_award.save()
    assert "Tuy Phong" not in client.get(honour_url(w)).content.decode()

    client.force_login(w.staff)
    english(client)
    assert "Unpublish" in client.get(honour_url(w)).content.decode()
    client.post(honour_url(w, "awards:honour_roll_publish"))  # toggles back
    client.logout()
    assert client.get(honour_url(w)).status_code == 404


def test_the_honour_roll_of_an_unknown_organiser_is_404(client, decided):
    w = decided
    client.force_login(w.staff)
    assert client.get(reverse("awards:honour_roll", args=["khong-co", 2024])).status_code == 404
    url = reverse("awards:honour_roll_publish", args=["khong-co", 2024])
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(honour_url(w, "awards:honour_roll_publish")).status_code == 302
    assert not HonourRoll.objects.exists()


def test_the_register_links_to_the_honour_rolls(client, decided):
    w = decided
    english(client, w.staff)
    assert honour_url(w) in register(client).content.decode()
    english(client, w.tuy_phong)
    assert honour_url(w) not in register(client).content.decode()
    HonourRoll.objects.create(organizer=w.province, year=2024, published=True)
    assert honour_url(w) in register(client).content.decode()


def test_the_register_pages_its_honour_roll_links_latest_year_first(client, decided):
    """24 more years of decisions: 25 honour rolls, 20 on the first page (2024 down to 2005),
    the other five on the second – the confederation reads about 1,500 of them."""
    w = decided
    members = [OrganizationFactory(parent=w.province) for _ in range(2)]
    cluster = ClusterFactory(organizer=w.province)
    for year in range(2000, 2024):
        cluster_year = ClusterYearFactory(
            cluster=cluster, year=year, head=members[0], members=members
        )
        decision = Decision.objects.create(
            organizer=w.province,
            year=year,
            number=f"{year}/QĐ-LĐLĐ",
            signed_on=D(year + 1, 1, 20),
            signer="Nguyễn Văn Bình",
        )
        make_award(cluster_year, members[1], w.certificate, decision)
    english(client, w.staff)

    def years_linked(body):
        return [
            year
            for year in range(2000, 2025)
            if reverse("awards:honour_roll", args=[w.province.code, year]) in body
        ]

    first = register(client).content.decode()
    assert years_linked(first) == list(range(2005, 2025))
    assert 'Honour rolls <span class="text-muted small">(25)</span>' in first
    assert "rolls=2" in first
    second = register(client, "?rolls=2").content.decode()
    assert years_linked(second) == list(range(2000, 2005))
    # Latest year first on the page.
    assert second.index(f"/{w.province.code}/2004/") < second.index(f"/{w.province.code}/2000/")


def test_the_honour_roll_links_sort_by_year_then_vietnamese_name_then_code(decided):
    """Latest year first; within a year the organisers' names in the Vietnamese order (Đ after
    D), and two names alike but for their case (one key) by the organiser's code."""
    w = decided
    names = {
        "b-dak-lak": "Liên đoàn Lao động tỉnh Đắk Lắk",
        "c-dong-nai": "Liên đoàn Lao động tỉnh Đồng Nai",
        "d-dien-bien": "Liên đoàn Lao động tỉnh Điện Biên",
        "e-binh-duong": "Liên đoàn Lao động tỉnh Bình Dương",
        "f-an-giang": "LIÊN ĐOÀN LAO ĐỘNG TỈNH AN GIANG",
        "a-an-giang": "Liên đoàn Lao động tỉnh An Giang",
    }
    organizers = {code: OrganizationFactory(code=code, name=name) for code, name in names.items()}
    for year in (2023, 2024):
        for organizer in organizers.values():
            decision = Decision.objects.create(
                organizer=organizer,
                year=year,
                number=f"{year}/{organizer.code}",
                signed_on=D(year + 1, 1, 20),
                signer="Nguyễn Văn Bình",
            )
            members = [OrganizationFactory(parent=organizer) for _ in range(2)]
            cluster_year = ClusterYearFactory(
                cluster=ClusterFactory(organizer=organizer),
                year=year,
                head=members[0],
                members=members,
            )
            make_award(cluster_year, members[1], w.certificate, decision)
            HonourRoll.objects.create(organizer=organizer, year=year, published=True)
    awards = Award.objects.filter(decision__organizer__in=organizers.values())
    links = honour_roll_links(w.staff, decided_pairs(awards)).object_list
    order = ["a-an-giang", "f-an-giang", "e-binh-duong", "b-dak-lak", "d-dien-bien", "c-dong-nai"]
    assert [(link.year, link.organizer_code) for link in links] == [
        (year, code) for year in (2024, 2023) for code in order
    ]


def test_the_honour_roll_links_read_the_decisions_and_years_without_joining_them(decided):
    """The (organiser, year) pairs are read as the awards' distinct (decision, year), from
    their index, and then the decisions' organisers: no award joined to its decision."""
    w = decided
    HonourRoll.objects.create(organizer=w.province, year=2024, published=True)
    awards = Award.objects.all()
    with CaptureQueriesContext(connection) as queries:
        links = honour_roll_links(w.staff, decided_pairs(awards)).object_list
    assert [(link.organizer_code, link.year) for link in links] == [(w.province.code, 2024)]
    joined = [
        q["sql"]
        for q in queries
        if 'FROM "awards_award"' in q["sql"] and 'JOIN "awards_decision"' in q["sql"]
    ]
    assert joined == []


def test_a_reader_of_every_award_reads_the_decisions_and_rolls_whole(decided):
    """A reader of every award (the confederation's staff, here a superuser) reads nearly
    every decision and roll: the decisions' organisers, the published rolls and the
    clusters' organisers are read whole, not looked up by lists of the country's 1,500
    decisions and 700 organisers – the same links."""
    w = decided
    HonourRoll.objects.create(organizer=w.province, year=2024, published=True)
    # What no award of the register comes from is read but never listed: another
    # organiser's published roll, another year's, a decision with no award.
    other = OrganizationFactory(code="khac")
    HonourRoll.objects.create(organizer=other, year=2024, published=True)
    HonourRoll.objects.create(organizer=w.province, year=2023, published=True)
    Decision.objects.create(
        organizer=other, year=2024, number="9/QĐ", signed_on=D(2025, 1, 20), signer="Trần Văn A"
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    with CaptureQueriesContext(connection) as queries:
        links = honour_roll_links(admin, decided_pairs(Award.objects.all())).object_list
    assert [(link.organizer_code, link.year, link.published) for link in links] == [
        (w.province.code, 2024, True)
    ]
    listed = [
        q["sql"]
        for q in queries
        if any(table in q["sql"] for table in ('"awards_decision"', '"awards_honourroll"'))
        or 'FROM "clusters_cluster"' in q["sql"]
    ]
    assert len(listed) == 3
    assert not [sql for sql in listed if "ANY(" in sql or " IN (" in sql]
    # Unpublished, the roll is still listed for whoever records the organiser's decisions.
    HonourRoll.objects.filter(organizer=w.province).update(published=False)
    links = honour_roll_links(admin, decided_pairs(Award.objects.all())).object_list
    assert [(link.organizer_code, link.published) for link in links] == [(w.province.code, False)]


def test_the_register_reads_its_years_and_honour_rolls_from_one_query(client, decided):
    """The year filter's choices and the honour rolls both come from the awards' distinct
    (decision, year) pairs, read once: one scoped query of the awards less per page."""
    w = decided
    HonourRoll.objects.create(organizer=w.province, year=2024, published=True)
    add_cluster_with_award(w, w.decision)
    english(client, w.staff)
    with CaptureQueriesContext(connection) as queries:
        response = register(client)
    distinct = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT DISTINCT "awards_award"') and "GROUP BY" not in q["sql"]
    ]
    assert len(distinct) == 1 and '"awards_award"."decision_id"' in distinct[0]
    years = sorted(set(Award.objects.values_list("year", flat=True)), reverse=True)
    choices = response.context["filter"].form.fields["year"].choices
    assert [value for value, _label in choices if value != ""] == years
    assert honour_url(w) in response.content.decode()


def test_the_honour_roll_queries_do_not_grow_with_the_awards(client, decided):
    w = decided
    HonourRoll.objects.create(organizer=w.province, year=2024, published=True)
    before = count_queries(client, honour_url(w))
    for _ in range(5):
        add_cluster_with_award(w, w.decision)
    assert count_queries(client, honour_url(w)) == before


# Fairness -----------------------------------------------------------------------------------


def test_rotation_needs_three_consecutive_years_of_new_recipients():
    assert rotation_runs({2021: {1}, 2022: {2}, 2023: {3}}, [2021, 2022, 2023]) == [
        2021,
        2022,
        2023,
    ]
    assert rotation_runs({2021: {1}, 2022: {2}, 2023: {1}}, [2021, 2022, 2023]) == []
    # A year without the award breaks the run.
    assert rotation_runs({2020: {1}, 2021: {2}, 2023: {3}}, [2020, 2021, 2022, 2023]) == []
    assert rotation_runs(
        {2020: {1}, 2021: {1}, 2022: {2}, 2023: {3}, 2024: {4}}, list(range(2020, 2025))
    ) == [2022, 2023, 2024]


@pytest.fixture
def rotation(decided):
    """The flag of bt-1 went to Bắc Bình (2021), Hàm Thuận Bắc (2022), Phú Quý (2023) and
    Tuy Phong (2024): each year a member that had not had it."""
    w = decided
    cluster = w.cluster_year.cluster
    for year, code in [
        (2021, "ldld-bac-binh"),
        (2022, "ldld-ham-thuan-bac"),
        (2023, "ldld-phu-quy"),
    ]:
        cluster_year = ClusterYearFactory(
            cluster=cluster,
            year=year,
            status=ClusterYearStatus.CLOSED,
            head=w.units[code],
            members=list(w.units.values()),
        )
        decision = Decision.objects.create(
            organizer=w.province,
            year=year,
            number=f"{year - 2000}/QĐ-LĐLĐ",
            signed_on=D(year + 1, 1, 15),
            signer="Nguyễn Văn Bình",
        )
        make_award(cluster_year, w.units[code], w.flag, decision)
    return w


def test_the_fairness_view_marks_the_rotation_and_the_self_scoring_gap(client, rotation):
    w = rotation
    english(client, w.staff)
    # By default the last five years with data, up to this year.
    response = client.get(reverse("awards:fairness") + f"?organizer={w.province.code}")
    assert response.status_code == 200
    assert response.context["years"][:4] == [2021, 2022, 2023, 2024]
    response = client.get(reverse("awards:fairness") + "?from=2024&to=2021")
    assert response.context["years"] == [2021, 2022, 2023, 2024]
    (pattern,) = response.context["patterns"]
    (rotation_found,) = pattern.rotations
    assert rotation_found.award_type == w.flag
    assert rotation_found.years == [2021, 2022, 2023, 2024]
    body = response.content.decode()
    assert "Rotating among members" in body
    assert "consecutive years" in body
    # The proposal that became no flag (Phan Thiết's certificate, downgraded then awarded) is an
    # award; a withdrawn one would not show.
    gaps = response.context["gaps"]
    results = AnnualResult.objects.filter(cluster_year=w.cluster_year)
    expected = {
        r.organization.name: r.self_total - r.verified_total
        for r in results
        if r.self_total is not None and r.verified_total is not None
    }
    assert {row.name: row.average for row in gaps} == {
        name: gap.quantize(Decimal("0.01")) for name, gap in expected.items()
    }
    assert [row.average for row in gaps] == sorted((row.average for row in gaps), reverse=True)
    assert "Average gap" in body


# The fairness view's rows as its template drew them, row by row.
FORMER_AWARD_ROWS = """{% load fairness %}{% for row in rows %}
<tr>
  <th scope="row" class="fw-normal">{{ row.name }}</th>
  {% award_cells row %}
</tr>
{% endfor %}"""
FORMER_GAP_ROWS = """{% load emulation fairness %}{% for row in gaps %}
<tr>
  <th scope="row" class="fw-normal">{{ row.name }}</th>
  <td>{{ row.clusters|join:", " }}</td>
  {% gap_cells row %}
  <td class="text-end fw-bold{% if row.average > 0 %} text-danger{% endif %}">{{ row.average|num:"signed" }}</td>
</tr>
{% endfor %}"""


def test_the_fairness_view_draws_its_rows_as_the_template_drew_them(client, rotation):
    """The grids' and the gaps' rows are drawn in Python (`award_rows`, `gap_rows`): the
    same cells as the template's loops drew – names escaped, clusters joined, the average
    gap signed and in red above zero."""
    import re

    from django.template import Context, Template

    from awards.templatetags.fairness import award_rows, gap_rows

    w = rotation
    cluster = w.cluster_year.cluster
    cluster.name = 'Cụm <thi đua> & "số 1"'
    cluster.save()
    english(client, w.staff)
    response = client.get(reverse("awards:fairness") + "?from=2021&to=2024")
    html = response.content.decode()
    tight = lambda text: re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", text))  # noqa: E731
    (pattern,) = response.context["patterns"]
    assert len(pattern.rows) >= 4
    former = Template(FORMER_AWARD_ROWS).render(Context({"rows": pattern.rows}))
    assert tight(award_rows(pattern.rows)) == tight(former)
    assert award_rows(pattern.rows) in html
    gaps = response.context["gaps"]
    assert any(row.average > 0 for row in gaps)
    former = Template(FORMER_GAP_ROWS).render(Context({"gaps": gaps}))
    assert tight(gap_rows(gaps)) == tight(former)
    assert gap_rows(gaps) in html
    assert "Cụm &lt;thi đua&gt; &amp; &quot;số 1&quot;" in html


def test_the_fairness_view_shows_proposals_in_a_lighter_style(client, approved):
    w = approved
    english(client, w.staff)
    response = client.get(reverse("awards:fairness") + "?from=2024&to=2024")
    (pattern,) = response.context["patterns"]
    cells = {row.name: row.cells[0] for row in pattern.rows}
    flag_cell = cells["Liên đoàn Lao động huyện Tuy Phong"]
    assert flag_cell.awards == [] and flag_cell.proposals == [("Cờ thi đua", "Approved")]
    assert pattern.rotations == []


def test_the_fairness_view_is_for_staff_and_its_queries_are_constant(client, rotation):
    w = rotation
    viewer = OfficerFactory(organization=w.province, role="viewer").user
    client.force_login(viewer)
    assert client.get(reverse("awards:fairness")).status_code == 403
    client.force_login(w.staff)
    url = reverse("awards:fairness") + "?from=2021&to=2024"
    before = count_queries(client, url)
    for _ in range(4):
        add_cluster_with_award(w, w.decision)
    assert count_queries(client, url) == before
    assert client.get(reverse("awards:fairness") + "?organizer=khong-co").status_code == 404


def test_the_fairness_view_opens_on_the_organiser_with_the_most_nominations(client, rotation):
    """Without an organiser asked for, the page opens on the one of those whose decisions the
    user records with the most nominations (counted once for all, then kept), equal counts
    by name; then on the province again once it has more."""
    w = rotation
    district = w.units["ldld-bac-binh"]
    client.force_login(w.staff)
    url = reverse("awards:fairness")
    assert client.get(url).context["organizer"] == w.province
    province_count = Nomination.objects.filter(cluster_year__cluster__organizer=w.province).count()
    for _ in range(province_count + 1):
        add_cluster_with_award(w, w.decision, organizer=district)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).context["organizer"] == district
    # The candidates' nominations not counted again, organiser by organiser.
    assert not [
        q for q in queries.captured_queries if 'LEFT OUTER JOIN "clusters_cluster"' in q["sql"]
    ]
    add_cluster_with_award(w, w.decision)
    # As many: by name, "Liên đoàn Lao động huyện Bắc Bình" before "… tỉnh Bình Thuận".
    assert client.get(url).context["organizer"] == district
    add_cluster_with_award(w, w.decision)
    assert client.get(url).context["organizer"] == w.province


def test_the_fairness_view_pages_by_cluster_keeping_the_span(client, rotation, monkeypatch):
    """A page holds a few clusters with their member × year grids, and the gaps of their
    units only; the links to the other pages keep the organiser and the span."""
    monkeypatch.setattr("awards.views.fairness.CLUSTERS_PER_PAGE", 2)
    w = rotation
    extra = [add_cluster_with_award(w, w.decision) for _ in range(2)]
    client.force_login(w.staff)
    url = reverse("awards:fairness") + f"?organizer={w.province.code}&from=2021&to=2024"
    first = client.get(url)
    assert [p.cluster for p in first.context["patterns"]] == [
        w.cluster_year.cluster,
        extra[0].cluster,
    ]
    body = first.content.decode()
    assert "1 / 2" in body
    assert f"organizer={w.province.code}&amp;from=2021&amp;to=2024&amp;page=2" in body
    second = client.get(url + "&page=2")
    assert [p.cluster for p in second.context["patterns"]] == [extra[1].cluster]
    assert second.context["years"] == [2021, 2022, 2023, 2024]
    # bt-1's units are on the first page only.
    first_units = {row.name for row in first.context["patterns"][0].rows}
    assert not first_units & {row.name for row in second.context["patterns"][0].rows}
    assert {row.name for row in second.context["gaps"]} <= {
        row.name for row in second.context["patterns"][0].rows
    }
    # Past the end: the last page.
    assert client.get(url + "&page=9").context["patterns"][0].cluster == extra[1].cluster


def test_a_decision_dated_before_its_proposal_is_confirmed_with_a_reason(client, approved):
    """Dated after the review but before the proposal it decides (16/12/2024): warned, and
    recorded only with a reason, which its history keeps."""
    w = approved
    english(client, w.staff)
    response = client.post(create_url(w), decision_data(w, signed_on="15/12/2024"))
    assert response.status_code == 200
    assert not Decision.objects.exists()
    body = response.content.decode()
    assert "before the proposal of" in body and "16/12/2024" in body
    response = client.post(
        create_url(w),
        decision_data(w, signed_on="15/12/2024", early_reason="Quyết định khen đột xuất"),
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert "Quyết định khen đột xuất" in decision.history.get().history_change_reason


def test_a_decision_taken_before_the_review_is_not_warned_of(client, approved):
    w = approved
    english(client, w.staff)
    response = client.post(create_url(w), decision_data(w, signed_on="10/12/2024"))
    assert response.status_code == 302
    assert Decision.objects.get().signed_on == D(2024, 12, 10)


def test_the_rights_read_for_a_page_are_those_of_the_whole_register(decided):
    """`set_rights` (the register's page) answers as `_with_rights` (its export) for every
    award and every user: staff of the province, the head, a member, another province's
    staff, a district whose organiser ended, and a superuser."""
    from django.contrib.auth import get_user_model

    from awards.views.register import _register_rows, _with_rights, set_rights
    from clusters.models import Officer, OrganizationKind

    w = decided
    other = OrganizationFactory(kind=OrganizationKind.PROVINCIAL)
    other_decision = Decision.objects.create(
        organizer=other, year=2024, number="9/QĐ-LĐLĐ", signed_on=D(2025, 2, 1), signer="A"
    )
    awarded = add_cluster_with_award(w, other_decision, organizer=other)
    # A district of the province that ended: its cluster is kept by the province's staff.
    district = OrganizationFactory(parent=w.province, valid_to=D(2025, 6, 30))
    add_cluster_with_award(w, w.decision, organizer=district)
    OfficerFactory(organization=other)
    OfficerFactory(organization=awarded.awards.get().organization)
    users = [officer.user for officer in Officer.objects.select_related("user")]
    users.append(get_user_model().objects.create_superuser("quan-tri", password="x"))
    checked = 0
    for user in users:
        whole = {
            award.pk: (award.can_revoke, award.decision_readable)
            for award in _with_rights(Award.objects.all(), user)
        }
        page = list(_register_rows(Award.objects.all()))
        set_rights(page, user)
        assert {a.pk: (a.can_revoke, a.decision_readable) for a in page} == whole, user
        checked += sum(1 for value in whole.values() if any(value))
    assert checked  # some award was revocable or its decision readable for someone


def test_the_decision_organisers_asked_again_in_a_request_cost_no_query(
    decided, django_assert_num_queries
):
    """The register's table asks of its page's organisers after the honour rolls asked of all
    of them: remembered for the request, the answers are the same without a query."""
    from awards.permissions import decision_organizers_among
    from clusters.permissions import access_for

    w = decided
    other = OrganizationFactory(name="LĐLĐ tỉnh khác")
    asked = {w.province.pk, other.pk}
    first = decision_organizers_among(w.staff, asked)
    assert first == {w.province.pk}
    with django_assert_num_queries(0):
        assert decision_organizers_among(w.staff, {w.province.pk}) == {w.province.pk}
        assert decision_organizers_among(w.staff, {other.pk}) == set()
    # A new request (a new reading of the rights) asks again.
    w.staff._emulation_access = None
    access_for(w.staff)
    assert decision_organizers_among(w.staff, asked) == first


def test_the_fairness_cells_draw_awards_proposals_rotation_and_gaps():
    """The grids' cells, drawn in Python (awards/templatetags/fairness.py), as the template
    drew them: shading, badges with escaped labels, the rotation mark, the gaps' figures."""
    from django.test.html import parse_html
    from django.utils import translation

    from awards.templatetags.fairness import award_cells, gap_cells
    from awards.views.fairness import Cell, GapRow, UnitRow

    class Type:
        label = "Cờ <thi đua>"

    row = UnitRow(
        1,
        "CĐCS A",
        [
            Cell(member=True, exists=True),
            Cell(member=False, exists=True),
            Cell(member=True, exists=False),
            Cell(member=True, exists=True, awards=[Type()], rotating=True),
            Cell(member=True, exists=True, proposals=[("BK", "Đã duyệt")]),
        ],
    )
    with translation.override("vi"):
        html = award_cells(row)
    assert parse_html(html) == parse_html(
        '<td class=""></td>'
        '<td class="bg-light text-muted"></td>'
        '<td class=""><span class="text-muted" title="Cụm không hoạt động năm này.">·</span></td>'
        '<td class="table-warning"><span class="badge text-bg-success">Cờ &lt;thi đua&gt;</span> '
        '<span class="visually-hidden">Luân phiên</span></td>'
        '<td class=""><span class="badge text-bg-light border text-muted fw-normal" '
        'title="Đã duyệt">BK (đã duyệt)</span> </td>'
    )
    gaps = GapRow("CĐCS A", [], [None, (Decimal("95.5"), Decimal("90"), Decimal("5.5"))], None)
    with translation.override("vi"):
        html = gap_cells(gaps)
    assert parse_html(html) == parse_html(
        '<td class="text-center"><span class="text-muted">–</span></td>'
        '<td class="text-center">95,5 / 90<div class="text-danger">+5,5</div></td>'
    )


def test_the_gap_cells_print_each_figure_as_num_prints_it(decided):
    """The fairness view's gap cells: self-assessed / verified totals and their gap, as `|num`
    and `|num:"signed"` print them, in the active language."""
    from decimal import Decimal
    from types import SimpleNamespace

    from django.utils import translation

    from awards.templatetags.fairness import gap_cells

    row = SimpleNamespace(
        cells=[(Decimal("95.5"), Decimal("1234.25"), Decimal("-1138.75")), None, (90, 88, 2)]
    )
    with translation.override("vi"):
        html = str(gap_cells(row))
    assert "95,5 / 1.234,25" in html and '<div class="text-muted">-1.138,75</div>' in html
    assert '<div class="text-danger">+2</div>' in html and "90 / 88" in html
    assert html.count("<td") == 3
