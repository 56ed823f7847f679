"""A federation's people and structure kept in the app: officers with dated roles, accounts,
passwords, units and officers by import, members in one step."""

import datetime
import re
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import Membership, Officer, OfficerRole, Organization, ParentPeriod
from clusters.permissions import access_for, can_manage_organization, organizations_for
from clusters.services import officer_import, structure_import
from clusters.services.people import add_role, create_account, end_role
from tests.conftest import fresh
from tests.factories import OfficerFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
User = get_user_model()
HEADER = "Mã đơn vị,Tên đơn vị,Loại hình,Mã đơn vị cấp trên,Từ ngày,Địa bàn,Khối\n"


def csv_file(text: str, name="don-vi.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode())


def run(user, text: str, write=True, reason="QĐ 12/QĐ-LĐLĐ"):
    return structure_import.plan_import(csv_file(text), user=user, reason=reason, write=write)


# The structure by import -------------------------------------------------------------------


def test_units_are_created_with_parents_from_the_same_file_and_reimport_changes_nothing(world):
    staff = world.users["staff"]
    rows = (
        # The child before its parent: the file's order does not matter.
        "cdcs-a,Công đoàn cơ sở Trường A,Công đoàn cơ sở,cd-phuong-moi,01/07/2025,Đà Lạt,Giáo dục\n"
        "cd-phuong-moi,Công đoàn phường Mới,Công đoàn xã phường,province,01/07/2025,Đà Lạt,\n"
    )
    plan = run(staff, rows)
    assert plan.errors == [] and plan.written, [r.errors for r in plan.rows]
    ward = Organization.objects.get(code="cd-phuong-moi")
    school = Organization.objects.get(code="cdcs-a")
    assert school.sector == "education" and school.locality == "Đà Lạt"
    assert ParentPeriod.objects.get(organization=school).parent == ward
    assert ParentPeriod.objects.get(organization=ward).valid_from == D(2025, 7, 1)
    assert school.history.get().history_change_reason == "QĐ 12/QĐ-LĐLĐ"
    count = Organization.objects.count()
    again = run(fresh(staff), rows)
    assert again.ok and [r.action for r in again.rows] == ["unchanged", "unchanged"]
    assert Organization.objects.count() == count
    assert school.history.count() == 1


def test_a_known_code_renames_and_moves_from_the_date(world):
    staff = world.users["staff"]
    run(
        staff,
        "cd-moi,Công đoàn phường Cũ,Công đoàn xã phường,head-unit,01/01/2024,,\n",
    )
    plan = run(
        fresh(staff),
        "cd-moi,Công đoàn phường Mới,Công đoàn xã phường,member-unit,01/07/2025,,\n",
    )
    assert plan.written, [r.errors for r in plan.rows]
    (row,) = plan.rows
    assert row.action == "update"
    assert any("01/07/2025" in change for change in row.changes)
    unit = Organization.objects.get(code="cd-moi")
    assert unit.name_on(D(2025, 6, 30)) == "Công đoàn phường Cũ"
    assert unit.name_on(D(2025, 7, 1)) == "Công đoàn phường Mới"
    assert ParentPeriod.objects.parents_on([unit.pk], D(2025, 6, 30))[unit.pk] == world.head_unit
    assert ParentPeriod.objects.parents_on([unit.pk], D(2025, 7, 1))[unit.pk] == world.member_unit
    assert Organization.objects.filter(code="cd-moi").count() == 1


def test_a_bad_row_writes_nothing_and_names_its_row(world):
    staff = world.users["staff"]
    before = Organization.objects.count()
    plan = run(
        staff,
        "cdcs-tot,Công đoàn cơ sở Tốt,Công đoàn cơ sở,province,01/01/2025,,\n"
        "cdcs-xau,Công đoàn cơ sở Xấu,Không có loại này,province,32/13/2025,,\n"
        "cdcs-khac,Công đoàn cơ sở Khác,Công đoàn cơ sở,other-province,01/01/2025,,\n",
    )
    assert not plan.written
    assert Organization.objects.count() == before
    bad = {row.number: row.errors for row in plan.rows if row.errors}
    assert set(bad) == {3, 4}
    assert any("Không có loại này" in e for e in bad[3])
    assert any("32/13/2025" in e for e in bad[3])
    assert any("Liên đoàn Lao động tỉnh Khác" in e for e in bad[4])  # not the staff's to place


def test_a_row_of_a_unit_changed_since_the_export_is_refused(world, client):
    staff = world.users["staff"]
    client.force_login(staff)
    exported = client.get(reverse("structure:structure_export"))
    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    rows = {r[0]: list(r) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert "head-unit" in rows and "province" not in rows  # only the units the staff keep
    # Someone renames head-unit after the export …
    Organization.objects.filter(code="head-unit").update(name="Liên đoàn Lao động huyện Đổi")
    # … and the file, changed on another column, comes back.
    row = rows["head-unit"]
    row[headers.index("Địa bàn")] = "Nơi khác"
    text = ",".join(str(v or "") for v in row[:7]) + f",{row[7]}\n"
    upload = SimpleUploadedFile(
        "x.csv", (",".join(headers) + "\n" + text).encode(), content_type="text/csv"
    )
    plan = structure_import.plan_import(upload, user=fresh(staff), reason="x", write=True)
    assert not plan.written
    assert "sau khi tệp này được tải về" in " ".join(plan.rows[0].errors)
    assert Organization.objects.get(code="head-unit").locality != "Nơi khác"


def test_the_import_pages_preview_then_confirm(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:structure_import")
    upload = csv_file("cdcs-b,Công đoàn cơ sở B,Công đoàn cơ sở,member-unit,01/01/2025,,\n")
    preview = client.post(url, {"file": upload, "reason": "QĐ 5"})
    assert preview.status_code == 200
    assert "Công đoàn cơ sở B" in preview.content.decode()
    assert not Organization.objects.filter(code="cdcs-b").exists()
    token = preview.context["token"]
    done = client.post(url, {"confirm": "1", "token": token, "reason": "QĐ 5"})
    assert done.status_code == 302
    assert Organization.objects.get(code="cdcs-b").history.get().history_change_reason == "QĐ 5"
    # The token works once.
    again = client.post(url, {"confirm": "1", "token": token, "reason": "QĐ 5"})
    assert again.status_code == 302 and Organization.objects.filter(code="cdcs-b").count() == 1


# Officers ------------------------------------------------------------------------------------


def officers_url(code="member-unit", name="structure:officer_list", **extra):
    return reverse(name, kwargs={"code": code, **extra})


def test_staff_create_an_account_with_a_one_time_password_that_must_be_changed(client, world):
    client.force_login(world.users["staff"])
    response = client.post(
        officers_url(name="structure:officer_create"),
        {
            "full_name": "Nguyễn  Văn An",
            "username": "",
            "email": "an@example.vn",
            "phone": "0263 3822 111",
            "title": "Phó Chủ tịch",
            "role": OfficerRole.MANAGER,
            "valid_from": "01/01/2025",
            "password": "printed",
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="annv")
    assert user.first_name == "Nguyễn Văn An" and user.last_name == ""
    assert user.person.phone == "0263 3822 111" and user.person.must_change_password
    officer = Officer.objects.get(user=user)
    assert (officer.role, officer.title, officer.valid_from) == (
        OfficerRole.MANAGER,
        "Phó Chủ tịch",
        D(2025, 1, 1),
    )
    password = re.search(r'credential-password">([^<]+)<', response.content.decode()).group(1)
    # The person logs in with it and must choose a password of their own first.
    person = type(client)()
    assert (
        person.post(reverse("login"), {"username": "annv", "password": password}).status_code == 302
    )
    blocked = person.get(reverse("dashboard"))
    assert blocked.status_code == 302 and blocked["Location"] == reverse("password_change")
    changed = person.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Cong-doan-2025!",
            "new_password2": "Cong-doan-2025!",
        },
    )
    assert changed.status_code == 302
    assert person.get(reverse("dashboard")).status_code == 200
    user.refresh_from_db()
    assert not user.person.must_change_password


def test_an_ended_role_keeps_reading_and_stops_writing_the_next_day(world):
    officer = Officer.objects.get(user=world.users["staff"], organization=world.province)
    today = datetime.date.today()
    end_role(officer, last_day=today, by=world.users["admin"], reason="Nghỉ hưu")
    staff = fresh(world.users["staff"])
    assert can_manage_organization(staff, world.head_unit)  # still today
    Officer.objects.filter(pk=officer.pk).update(valid_until=today - datetime.timedelta(days=1))
    staff = fresh(world.users["staff"])
    assert not can_manage_organization(staff, world.head_unit)
    assert not access_for(staff).write_org_ids
    assert organizations_for(staff).filter(pk=world.head_unit.pk).exists()  # still reads
    assert officer.history.first().history_change_reason == "Nghỉ hưu"


def test_a_later_role_at_the_same_organisation_and_never_two_at_once(world):
    user = world.users["unit_officer"]
    officer = Officer.objects.get(user=user, organization=world.member_unit)
    admin = world.users["admin"]
    with pytest.raises(ValidationError, match="đang có vai trò tại"):
        add_role(
            user=user,
            organization=world.member_unit,
            role=OfficerRole.MANAGER,
            valid_from=D(2030, 1, 1),
            by=admin,
        )
    end_role(officer, last_day=D(2029, 12, 31), by=admin, reason="Hết nhiệm kỳ")
    later = add_role(
        user=user,
        organization=world.member_unit,
        role=OfficerRole.MANAGER,
        valid_from=D(2030, 1, 1),
        by=admin,
    )
    assert Officer.objects.filter(user=user, organization=world.member_unit).count() == 2
    assert later.role == OfficerRole.MANAGER


def test_a_deactivated_account_cannot_log_in_and_keeps_its_history(client, world):
    staff = world.users["staff"]
    user = UserFactory(username="tam", first_name="Lê Văn Tâm", password="secret-pass-1")
    OfficerFactory(user=user, organization=world.member_unit)
    officer = Officer.objects.get(user=user)
    client.force_login(staff)
    response = client.post(
        officers_url(name="structure:officer_active", pk=officer.pk), {"reason": "Nghỉ việc"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(username="tam").exists()
    assert user.history.first().history_change_reason == "Nghỉ việc"
    assert user.history.first().first_name == "Lê Văn Tâm"
    other = type(client)()
    refused = other.post(reverse("login"), {"username": "tam", "password": "secret-pass-1"})
    assert refused.status_code == 200 and not other.session.get("_auth_user_id")


def test_a_manager_manages_the_viewers_only_and_other_readers_get_403(client, world):
    manager = UserFactory(username="chutich")
    OfficerFactory(user=manager, organization=world.member_unit, role=OfficerRole.MANAGER)
    viewer = OfficerFactory(
        user=UserFactory(username="xem"), organization=world.member_unit, role=OfficerRole.VIEWER
    )
    staff_officer = Officer.objects.get(user=world.users["unit_officer"])
    client.force_login(manager)
    assert client.get(officers_url()).status_code == 200
    form = client.get(officers_url(name="structure:officer_create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [OfficerRole.VIEWER]
    assert client.get(officers_url(name="structure:officer_end", pk=viewer.pk)).status_code == 200
    assert (
        client.get(officers_url(name="structure:officer_end", pk=staff_officer.pk)).status_code
        == 403
    )
    client.force_login(world.users["unit_officer"])  # staff, not manager, of the unit
    assert client.get(officers_url()).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(officers_url()).status_code == 404


def test_the_password_reset_mail_sets_a_new_password(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = UserFactory(username="hoa", email="hoa@example.vn", first_name="Trần Thị Hoa")
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login  # "Quên mật khẩu?"
    client.post(reverse("password_reset"), {"email": "hoa@example.vn"})
    (message,) = mail.outbox
    assert "Trần Thị Hoa" in message.body and "hoa" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Mat-khau-moi-1", "new_password2": "Mat-khau-moi-1"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-1")


def test_staff_send_a_set_password_link_to_a_new_officer(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(world.users["staff"])
    client.post(
        officers_url(name="structure:officer_create"),
        {
            "full_name": "Phạm Thu Hà",
            "email": "ha@example.vn",
            "role": OfficerRole.STAFF,
            "valid_from": "01/01/2025",
            "password": "link",
        },
    )
    (message,) = mail.outbox
    assert message.to == ["ha@example.vn"] and "/accounts/password/reset/" in message.body
    assert not User.objects.get(username="hapt").has_usable_password()


def test_everyone_changes_their_own_name_email_and_phone(client, world):
    user = world.users["unit_officer"]
    client.force_login(user)
    response = client.post(
        reverse("account_profile"),
        {"full_name": "Võ Thị Lan", "email": "lan@example.vn", "phone": "0909 000 111"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.email, user.person.phone) == (
        "Võ Thị Lan",
        "lan@example.vn",
        "0909 000 111",
    )


# Officers by import --------------------------------------------------------------------------


OFFICERS = "Mã đơn vị,Họ và tên,Chức vụ,Thư điện tử,Điện thoại,Vai trò\n"


def test_officers_are_imported_once_with_one_time_passwords(world):
    staff = world.users["staff"]
    text = (
        OFFICERS
        + "head-unit,Nguyễn Văn Bình,Chủ tịch,binh@example.vn,,Lãnh đạo\n"
        + "member-unit,Lê Thị Cúc,Chuyên viên,,0909,Cán bộ\n"
    )
    plan = officer_import.plan_import(
        SimpleUploadedFile("cb.csv", text.encode()), user=staff, reason="Nhập", write=True
    )
    assert plan.written, [r.errors for r in plan.rows]
    assert [c.username for c in plan.extra["credentials"]] == ["binhnv", "cuclt"]
    binh = Officer.objects.get(user__username="binhnv")
    assert (binh.organization, binh.role, binh.title) == (
        world.head_unit,
        OfficerRole.MANAGER,
        "Chủ tịch",
    )
    again = officer_import.plan_import(
        SimpleUploadedFile("cb.csv", text.encode()), user=fresh(staff), reason="Nhập", write=True
    )
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    assert User.objects.filter(username__in=["binhnv", "cuclt"]).count() == 2


def test_an_officers_row_for_a_unit_not_kept_writes_nothing(world):
    text = OFFICERS + "head-unit,A,,,,Cán bộ\nother-province,B,,,,Cán bộ\n"
    plan = officer_import.plan_import(
        SimpleUploadedFile("cb.csv", text.encode()),
        user=world.users["staff"],
        reason="x",
        write=True,
    )
    assert not plan.written and not User.objects.filter(first_name__in=["A", "B"]).exists()
    assert plan.rows[1].errors


# Members in one step -------------------------------------------------------------------------


def test_staff_add_every_unit_that_matches_in_one_step(client, world):
    schools = [
        OrganizationFactory(
            code=f"truong-{n}",
            name=f"Công đoàn cơ sở Trường Số {n}",
            kind="grassroots",
            sector="education",
            parent=world.province,
        )
        for n in range(4)
    ]
    OrganizationFactory(code="benh-vien", name="Công đoàn Bệnh viện", parent=world.province)
    client.force_login(world.users["staff"])
    url = reverse("structure:membership_batch", args=[world.cluster.code, world.year])
    page = client.get(url, {"q": "truong so", "sector": "education"})
    assert page.context["page"].paginator.count == 4
    response = client.post(
        url + "?q=truong+so&sector=education",
        {"everything": "on", "reason": "QĐ 7", "joined_on": ""},
    )
    assert response.status_code == 302
    added = Membership.objects.filter(cluster_year=world.cluster_year, organization__in=schools)
    assert added.count() == 4
    assert {m.history.get().history_change_reason for m in added} == {"QĐ 7"}
    assert not Membership.objects.filter(organization__code="benh-vien").exists()


def test_the_batch_page_queries_do_not_grow_with_the_units(client, world):
    from tests.clusters.test_views import count_queries

    client.force_login(world.users["staff"])
    url = reverse("structure:membership_batch", args=[world.cluster.code, world.year])
    for n in range(3):
        OrganizationFactory(code=f"a-{n}", parent=world.province)
    few = count_queries(client, url)
    for n in range(30):
        OrganizationFactory(code=f"b-{n}", parent=world.province)
    assert count_queries(client, url) == few


def test_the_officers_page_queries_do_not_grow_with_the_officers(client, world):
    from tests.clusters.test_views import count_queries

    client.force_login(world.users["staff"])
    few = count_queries(client, officers_url())
    for n in range(20):
        create_account(
            organization=world.member_unit,
            full_name=f"Cán Bộ {n}",
            phone="1",
            by=world.users["staff"],
        )
    assert count_queries(client, officers_url()) == few
