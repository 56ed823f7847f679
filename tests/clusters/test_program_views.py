"""The emulation programme screens: creating a year's programme from the default or a copy,
editing its general fields, scoring table, indicators and rules, the lock once units are
scored, who reads and who edits, and constant queries on the list."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clusters.models import (
    AnnualResult,
    ClassificationRule,
    Criterion,
    EmulationProgram,
    Indicator,
    ResultStatus,
    ScoreSection,
)
from clusters.services import create_default_program, result_for
from tests.clusters.test_views import count_queries
from tests.factories import OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def url(name, program):
    return reverse(f"structure:{name}", args=[program.pk])


def form_data(*formsets, reason="Điều chỉnh theo Kế hoạch số 13/KH-LĐLĐ") -> dict:
    """What the browser posts back for unchanged formsets: every row as shown."""
    data = {"reason": reason}
    for formset in formsets:
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if name == "DELETE" or value is None or value is False:
                    continue
                if value is True:
                    value = "on"
                elif isinstance(value, Decimal):
                    value = str(value).replace(".", ",")
                data[form.add_prefix(name)] = value
    return data


def row_of(formset, match) -> str:
    """The prefix of the first row whose instance matches."""
    for form in formset.forms:
        if form.instance.pk and match(form.instance):
            return form.prefix
    raise AssertionError("no such row")


def blank_row(formset, **initial) -> str:
    for form in formset.forms:
        if form.instance.pk is None and all(
            str(form[k].value()) == str(v) for k, v in initial.items()
        ):
            return form.prefix
    raise AssertionError("no blank row")


@pytest.fixture
def program(world):
    return create_default_program(organizer=world.province, year=world.year)


def editor(client, program, name):
    response = client.get(url(name, program))
    assert response.status_code == 200
    return response.context["editor"]


def criterion(program, label) -> Criterion:
    code, number = label.split(".")
    return Criterion.objects.get(section__program=program, section__code=code, code=number)


# Creating ---------------------------------------------------------------------------------


def test_staff_create_from_the_default_then_next_year_from_a_copy(client, world):
    client.force_login(world.users["staff"])
    create = reverse("structure:program_create")
    response = client.get(create)
    organizers = {org.code for org in response.context["organizers"]}
    assert organizers == {"province", "member-unit"}  # the district organises its own cluster
    last_year = world.year - 1
    response = client.post(
        create,
        {"organizer": "province", "year": last_year, "source": "default", "reason": ""},
    )
    first = EmulationProgram.objects.get(organizer=world.province, year=last_year)
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert first.sections.count() == 7 and first.classification_rules.count() == 3
    with translation.override("vi"):
        assert first.history.get().history_change_reason == gettext("Default programme")
    assert first.history.get().history_user == world.users["staff"]

    # Next year: last year's programme is offered first.
    response = client.get(create + f"?organizer=province&year={world.year}")
    form = response.context["form"]
    assert form.fields["source"].initial == str(first.pk)
    first.theme = "Đổi mới, sáng tạo"
    first.save()
    response = client.post(
        create,
        {
            "organizer": "province",
            "year": world.year,
            "source": str(first.pk),
            "reason": "Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024",
        },
    )
    copy = EmulationProgram.objects.get(organizer=world.province, year=world.year)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.theme == "Đổi mới, sáng tạo"
    assert Criterion.objects.filter(section__program=copy).count() == 24
    assert criterion(copy, "I.3").indicator.program == copy
    assert copy.history.get().history_change_reason == "Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024"

    # The year now has its programme: the page links to it and a second one is refused.
    response = client.get(create + f"?organizer=province&year={world.year}")
    assert response.context["existing"] == copy and response.context["form"] is None
    response = client.post(
        create, {"organizer": "province", "year": world.year, "source": "default"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert EmulationProgram.objects.filter(organizer=world.province).count() == 2


def test_a_copy_comes_from_the_same_organisers_programmes(client, world):
    district = create_default_program(organizer=world.member_unit, year=world.year - 1)
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("structure:program_create"),
        {"organizer": "province", "year": world.year, "source": str(district.pk), "reason": "x"},
    )
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    assert not EmulationProgram.objects.filter(organizer=world.province).exists()


def test_programmes_are_created_only_for_organisers_the_user_keeps(client, world):
    client.force_login(world.users["outsider"])
    response = client.get(reverse("structure:program_create") + "?organizer=province")
    assert response.status_code == 404
    response = client.post(
        reverse("structure:program_create"),
        {"organizer": "province", "year": world.year, "source": "default", "reason": "x"},
    )
    assert response.status_code == 404
    assert not EmulationProgram.objects.exists()


# The general fields -------------------------------------------------------------------------


def general(program, **changes):
    data = {
        "theme": "Thi đua lao động giỏi",
        "plan_reference": "Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024",
        "self_assessment_deadline": f"15/12/{program.year}",
        "verification_deadline": f"10/01/{program.year + 1}",
        "top_share_percent": "20",
        "cap_basis": "classified",
        "cap_rounding": "nearest",
        "tie_break": "I, DV_MOI",
        "visibility": "after_review",
        "quorum_numerator": "2",
        "quorum_denominator": "3",
        "vote_tie_rule": "new_round",
        "reason": "Ban hành kế hoạch",
    }
    return data | changes


def test_general_fields_are_saved_with_typed_dates_and_the_reason(client, world, program):
    client.force_login(world.users["staff"])
    response = client.post(url("program_edit", program), general(program, tie_break="iii; dv_moi"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.self_assessment_deadline == datetime.date(program.year, 12, 15)
    assert program.verification_deadline == datetime.date(program.year + 1, 1, 10)
    assert program.tie_break == "III, DV_MOI"  # the programme's own spelling
    assert (program.cap_basis, program.cap_rounding) == ("classified", "nearest")
    assert program.history.latest().history_change_reason == "Ban hành kế hoạch"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"tie_break": "I, XYZ"}, "tie_break"),
        ({"tie_break": "I, DV_MOI, i"}, "tie_break"),
        ({"verification_deadline": "01/12/{year}"}, "verification_deadline"),
        ({"self_assessment_deadline": "15/12/{before}"}, "self_assessment_deadline"),
        ({"top_share_percent": "120"}, "top_share_percent"),
        ({"cap_basis": "half"}, "cap_basis"),
        ({"reason": ""}, "reason"),
    ],
)
def test_general_fields_refuse_bad_input(client, world, program, changes, field):
    client.force_login(world.users["staff"])
    changes = {k: v.format(year=program.year, before=program.year - 1) for k, v in changes.items()}
    response = client.post(url("program_edit", program), general(program, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    program.refresh_from_db()
    assert program.theme == ""


# The scoring table ------------------------------------------------------------------------


def test_the_table_page_saves_unchanged_rows_as_they_are(client, world, program):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    before = Criterion.history.count()
    response = client.post(url("program_table", program), form_data(page.sections, page.criteria))
    assert response.status_code == 302, response.context["editor"].errors
    assert Criterion.history.count() == before


def test_criteria_are_added_changed_and_removed_and_sections_follow_their_sum(
    client, world, program
):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    section_i = program.sections.get(code="I")
    # A new criterion of 3 points in section I, one of 8 reduced to 6,5 and one removed.
    new = blank_row(page.criteria, section=section_i.pk)
    data |= {
        f"{new}-code": "6",
        f"{new}-title": "Phối hợp giải quyết tranh chấp lao động",
        f"{new}-max_points": "3",
        f"{new}-section": section_i.pk,
        f"{new}-order": "6",
    }
    changed = row_of(page.criteria, lambda c: c.pk == criterion(program, "I.1").pk)
    data[f"{changed}-max_points"] = "6,5"
    removed = row_of(page.criteria, lambda c: c.pk == criterion(program, "V.2").pk)
    data[f"{removed}-DELETE"] = "on"
    data["then"] = "stay"
    response = client.post(url("program_table", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    assert response["Location"] == url("program_table", program)
    assert criterion(program, "I.6").max_points == 3
    assert criterion(program, "I.1").max_points == Decimal("6.5")
    assert not Criterion.objects.filter(section__program=program, section__code="V", code="2")
    assert program.sections.get(code="I").max_points == Decimal("36.5")  # 35 + 3 − 1,5
    assert program.sections.get(code="V").max_points == 4
    entry = Criterion.history.filter(code="2", history_type="-").get()
    assert entry.history_change_reason == "Điều chỉnh theo Kế hoạch số 13/KH-LĐLĐ"


@pytest.mark.parametrize(
    "label, changes, field",
    [
        ("I.1", {"max_points": "2,3"}, "max_points"),
        ("I.1", {"max_points": "0"}, "max_points"),
        ("I.1", {"code": "2"}, "code"),  # the code of I.2
        ("I.1", {"code": "1 a"}, "code"),
        ("B.1", {"max_points": "6"}, "max_points"),  # above the bonus limit of 5
    ],
)
def test_criterion_rows_refuse_bad_points_and_codes(client, world, program, label, changes, field):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    row = row_of(page.criteria, lambda c: c.pk == criterion(program, label).pk)
    data |= {f"{row}-{k}": v for k, v in changes.items()}
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    errors = [f.errors for f in response.context["editor"].criteria.forms if f.prefix == row]
    assert field in errors[0], errors
    assert (
        criterion(program, label).max_points
        == Criterion.history.filter(id=criterion(program, label).pk).earliest().max_points
    )


@pytest.mark.parametrize("drop", ["indicator", "formula"])
def test_a_criterion_needs_both_its_indicator_and_a_formula(client, world, program, drop):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    row = row_of(page.criteria, lambda c: c.pk == criterion(program, "I.3").pk)
    data[f"{row}-{drop}"] = ""
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    assert criterion(program, "I.3").is_computed


def test_a_criterion_cannot_score_from_another_programmes_indicator(client, world, program):
    other = create_default_program(organizer=world.member_unit, year=world.year)
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    row = row_of(page.criteria, lambda c: c.pk == criterion(program, "I.3").pk)
    data[f"{row}-indicator"] = other.indicators.get(code="TU_VAN").pk
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    assert criterion(program, "I.3").indicator.program == program


def test_a_criterion_cannot_score_from_an_indicator_without_target(client, world, program):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    row = row_of(page.criteria, lambda c: c.pk == criterion(program, "I.3").pk)
    data[f"{row}-indicator"] = program.indicators.get(code="DV_TONG").pk  # no target
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    assert criterion(program, "I.3").indicator.code == "TU_VAN"


def test_codes_can_be_swapped_and_sections_renamed_in_one_save(client, world, program):
    program.tie_break = "I, DV_MOI"
    program.save()
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    one, two = criterion(program, "II.1"), criterion(program, "II.2")
    data[f"{row_of(page.criteria, lambda c: c.pk == one.pk)}-code"] = "2"
    data[f"{row_of(page.criteria, lambda c: c.pk == two.pk)}-code"] = "1"
    data[f"{row_of(page.sections, lambda s: s.code == 'I')}-code"] = "A"
    response = client.post(url("program_table", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.code, two.code) == ("2", "1")
    program.refresh_from_db()
    assert program.tie_break == "A, DV_MOI"  # the tie-break follows the new code


def test_a_new_bonus_section_needs_its_limit_and_a_section_with_criteria_stays(
    client, world, program
):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    new = blank_row(page.sections)
    data |= {f"{new}-code": "B2", f"{new}-title": "Thưởng thêm", f"{new}-kind": "bonus"}
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    sections = response.context["editor"].sections
    assert "max_points" in [f for f in sections.forms if f.prefix == new][0].errors

    data[f"{new}-max_points"] = "3"
    section_iv = row_of(page.sections, lambda s: s.code == "IV")
    response = client.post(url("program_table", program), data | {f"{section_iv}-DELETE": "on"})
    assert response.status_code == 200
    errors = [f.errors for f in response.context["editor"].criteria.forms if f.errors]
    assert len(errors) == 3 and all("section" in e for e in errors)  # IV's three criteria
    assert program.sections.filter(code="IV").exists()
    assert not program.sections.filter(code="B2").exists()

    response = client.post(url("program_table", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    assert program.sections.get(code="B2").max_points == 3


def test_an_empty_section_is_removed(client, world, program):
    section = ScoreSection.objects.create(
        program=program, code="VI", title="Khác", max_points=0, order=9
    )
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    data[f"{row_of(page.sections, lambda s: s.pk == section.pk)}-DELETE"] = "on"
    response = client.post(url("program_table", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    assert not program.sections.filter(code="VI").exists()


def test_a_criterion_with_draft_scores_cannot_be_removed(client, world, program):
    result = result_for(world.cluster_year, world.member_unit, by=None)
    result.entries.create(criterion=criterion(program, "I.1"), self_score=5)
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_table")
    data = form_data(page.sections, page.criteria)
    data[f"{row_of(page.criteria, lambda c: c.pk == criterion(program, 'I.1').pk)}-DELETE"] = "on"
    response = client.post(url("program_table", program), data)
    assert response.status_code == 200
    assert response.context["editor"].errors
    assert criterion(program, "I.1")


# Indicators -------------------------------------------------------------------------------


def test_indicators_are_added_and_renamed_with_the_tie_break(client, world, program):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_indicators")
    data = form_data(page.indicators)
    new = blank_row(page.indicators)
    data |= {
        f"{new}-code": "BHXH",
        f"{new}-name": "Tỷ lệ đoàn viên tham gia bảo hiểm xã hội",
        f"{new}-kind": "percent",
        f"{new}-has_target": "on",
        f"{new}-order": "20",
    }
    data[f"{row_of(page.indicators, lambda i: i.code == 'DV_MOI')}-code"] = "DV_KET_NAP"
    response = client.post(url("program_indicators", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    assert program.indicators.get(code="BHXH").kind == "percent"
    assert criterion(program, "III.1").indicator.code == "DV_KET_NAP"
    program.refresh_from_db()
    assert program.tie_break == "I, DV_KET_NAP"


@pytest.mark.parametrize(
    "code, changes",
    [
        ("DV_MOI", {"code": "CDCS_MOI"}),  # another indicator's code
        ("DV_MOI", {"has_target": None}),  # III.1 scores against its target
        ("DV_MOI", {"DELETE": "on"}),  # III.1 scores from it, and it is in the tie-break
        ("DV_TONG", {"code": "DV TONG"}),
    ],
)
def test_indicator_changes_that_would_break_the_table_are_refused(
    client, world, program, code, changes
):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_indicators")
    data = form_data(page.indicators)
    row = row_of(page.indicators, lambda i: i.code == code)
    for key, value in changes.items():
        if value is None:
            data.pop(f"{row}-{key}", None)
        else:
            data[f"{row}-{key}"] = value
    response = client.post(url("program_indicators", program), data)
    assert response.status_code == 200
    indicator = program.indicators.get(code=code)
    assert indicator.has_target == (code == "DV_MOI")


# Classification rules ---------------------------------------------------------------------


def test_rules_are_changed_and_added(client, world, program):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_rules")
    data = form_data(page.rules)
    good = row_of(page.rules, lambda r: r.level == "httnv")
    data[f"{good}-min_total"] = "80"
    new = blank_row(page.rules)
    data |= {f"{new}-level": "khtnv", f"{new}-min_total": "0"}
    response = client.post(url("program_rules", program), data)
    assert response.status_code == 302, response.context["editor"].errors
    assert program.classification_rules.get(level="httnv").min_total == 80
    assert program.classification_rules.count() == 4


@pytest.mark.parametrize(
    "changes",
    [
        {"httnv": {"min_total": "95"}},  # above the excellent level's 90
        {"htnv": {"min_total": "75"}},  # equal to the good level's
        {"httnv": {"level": "htxsnv"}},  # two rules for one level
        {"htxsnv": {"min_total": "120"}},  # beyond 100 + 5 bonus points
        {"htxsnv": {"min_criterion_percent": "150"}},
        {"htxsnv": {"DELETE": "on"}, "httnv": {"DELETE": "on"}, "htnv": {"DELETE": "on"}},
    ],
)
def test_rules_refuse_thresholds_that_do_not_decrease(client, world, program, changes):
    client.force_login(world.users["staff"])
    page = editor(client, program, "program_rules")
    data = form_data(page.rules)
    for level, fields in changes.items():
        row = row_of(page.rules, lambda r, level=level: r.level == level)
        data |= {f"{row}-{k}": v for k, v in fields.items()}
    response = client.post(url("program_rules", program), data)
    assert response.status_code == 200
    rules = dict(program.classification_rules.values_list("level", "min_total"))
    assert rules == {"htxsnv": 90, "httnv": 75, "htnv": 50}


# Once in use ------------------------------------------------------------------------------


def test_the_table_indicators_and_rules_are_read_only_once_a_unit_submitted(client, world, program):
    AnnualResult.objects.create(
        cluster_year=world.cluster_year,
        organization=world.member_unit,
        program=program,
        status=ResultStatus.SUBMITTED,
    )
    client.force_login(world.users["staff"])
    for name in ("program_table", "program_indicators", "program_rules"):
        response = client.get(url(name, program))
        assert response.status_code == 200
        assert response.context["locked"] and response.context["editor"] is None
        response = client.post(url(name, program), {"reason": "x"})
        assert response.status_code == 302
    detail = client.get(url("program_detail", program))
    assert detail.context["in_use"]
    sections, rules = ScoreSection.history.count(), ClassificationRule.history.count()
    assert Indicator.objects.filter(program=program).count() == 13
    # The general fields stay editable.
    response = client.post(url("program_edit", program), general(program))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.plan_reference.startswith("Kế hoạch số 13")
    assert (ScoreSection.history.count(), ClassificationRule.history.count()) == (sections, rules)


# Who reads, who edits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, read, edit",
    [
        ("outsider", 404, 404),  # staff of another province
        ("viewer", 200, 403),  # the organiser's viewer reads
        ("unit_officer", 200, 403),  # a member unit reads the table it is scored against
        ("staff", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_who_reads_and_who_edits_a_programme(client, world, program, persona, read, edit):
    client.force_login(world.users[persona])
    assert client.get(url("program_detail", program)).status_code == read
    for name in ("program_edit", "program_table", "program_indicators", "program_rules"):
        assert client.get(url(name, program)).status_code == edit, name
    response = client.post(url("program_edit", program), general(program))
    assert response.status_code == (302 if edit == 200 else edit)


def test_a_district_keeps_the_programme_of_its_own_cluster(client, world):
    district = create_default_program(organizer=world.member_unit, year=world.year)
    client.force_login(world.users["unit_officer"])
    assert client.get(url("program_table", district)).status_code == 200
    listed = client.get(reverse("structure:program_list")).context["table"].data
    assert [p.pk for p in listed] == [district.pk]


def test_anonymous_users_are_sent_to_the_login_page(client, program):
    response = client.get(url("program_detail", program))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The list -----------------------------------------------------------------------------------


def add_programs(n, start=2000):
    for year in range(start, start + n):
        ProgramFactory(organizer=OrganizationFactory(kind="provincial"), year=year)


def test_the_list_shows_the_programmes_the_user_keeps_with_constant_queries(client, world):
    province = create_default_program(organizer=world.province, year=world.year)
    create_default_program(organizer=world.other_province, year=world.year)
    client.force_login(world.users["staff"])
    list_url = reverse("structure:program_list")
    listed = client.get(list_url).context["table"].data
    assert [p.pk for p in listed] == [province.pk]
    assert listed[0].table_max == 100 and not listed[0].in_use

    client.force_login(world.users["admin"])
    few = count_queries(client, list_url)
    add_programs(6)
    assert count_queries(client, list_url) == few
    filtered = list_url + f"?year={world.year}&organizer={world.province.pk}"
    assert [p.pk for p in client.get(filtered).context["table"].data] == [province.pk]
    response = client.get(list_url + "?_export=csv")
    assert response.content.startswith("\ufeff".encode())
    assert "Liên đoàn Lao động tỉnh Thử Nghiệm" in response.content.decode()


def test_the_programme_page_shows_the_table_its_totals_and_its_history(client, world):
    program = create_default_program(
        organizer=world.province, year=world.year, reason="Kế hoạch số 13/KH-LĐLĐ"
    )
    client.force_login(world.users["staff"])
    response = client.get(url("program_detail", program))
    context = response.context
    assert context["score_max"] == 100
    assert (context["bonus_limit"], context["penalty_limit"]) == (5, 10)
    assert [row["total"] for row in context["sections"]][:5] == [35, 20, 25, 12, 8]
    assert [rule.abbreviation for rule in context["rules"]] == ["HTXSNV", "HTTNV", "HTNV"]
    assert not context["warnings"]
    # Creating the default wrote ~60 rows in one go: the history tells it as one change.
    assert len(context["history"]) == 1
    page = response.content.decode()
    assert "Kết nạp đoàn viên mới" in page and "DV_MOI" in page
