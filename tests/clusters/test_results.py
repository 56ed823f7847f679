"""The results workflow on the binh-thuan-1 shape: entering, the optimistic lock, verifying,
classifying with the cap, locking, reopening, visibility and the printed table."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import (
    ClusterYearStatus,
    Indicator,
    Level,
    OrganizationKind,
    OrganizationName,
    ResultStatus,
    Visibility,
)
from clusters.services import (
    StaleResult,
    cluster_standings,
    create_default_program,
    lock_results,
    reopen_result,
    result_for,
    save_result,
    set_level,
    submit_result,
    verify_result,
)
from clusters.services.scoring import load_table
from emulation.demo.binh_thuan import BT1_2024
from emulation.demo.results import score_demo_result
from tests.clusters.test_views import count_queries
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class Bt1:
    pass


@pytest.fixture
def bt1():
    """Bình Thuận's cluster 1 in 2024, still open: Bắc Bình heads, Tuy Phong deputes."""
    w = Bt1()
    w.province = OrganizationFactory(
        code="bt", name="Liên đoàn Lao động tỉnh Bình Thuận", kind=OrganizationKind.PROVINCIAL
    )
    w.units = {
        code: OrganizationFactory(code=code, name=name, parent=w.province)
        for code, name in [
            ("ldld-bac-binh", "Liên đoàn Lao động huyện Bắc Bình"),
            ("ldld-tuy-phong", "Liên đoàn Lao động huyện Tuy Phong"),
            ("ldld-ham-thuan-bac", "Liên đoàn Lao động huyện Hàm Thuận Bắc"),
            ("ldld-phu-quy", "Liên đoàn Lao động huyện Phú Quý"),
            ("ldld-tp-phan-thiet", "Liên đoàn Lao động thành phố Phan Thiết"),
        ]
    }
    w.cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=w.province, code="bt-1"),
        year=2024,
        head=w.units["ldld-bac-binh"],
        deputy=w.units["ldld-tuy-phong"],
        members=list(w.units.values()),
    )
    w.program = create_default_program(organizer=w.province, year=2024)
    w.table = load_table(w.program)
    w.head = OfficerFactory(organization=w.units["ldld-bac-binh"]).user
    w.tuy_phong = OfficerFactory(organization=w.units["ldld-tuy-phong"]).user
    w.phu_quy = OfficerFactory(organization=w.units["ldld-phu-quy"]).user
    w.staff = OfficerFactory(organization=w.province).user
    return w


def fill_all(w, verify=True):
    for index, (code, plan) in enumerate(BT1_2024.items()):
        result = result_for(w.cluster_year, w.units[code], by=w.head)
        score_demo_result(result, w.table, plan, index, by=w.head)
        if verify:
            verify_result(result, by=w.staff)


def test_ranking_puts_tuy_phong_first_and_caps_the_top_level(bt1):
    fill_all(bt1)
    standings = cluster_standings(bt1.cluster_year)
    ranked = [row.entry.organization.code for row in standings.ranked]
    assert ranked[:2] == ["ldld-tuy-phong", "ldld-tp-phan-thiet"]
    # 20% of 5 members → 1 unit HTXSNV; Phan Thiết (97,5) steps down.
    assert standings.quota == 1
    levels = {row.entry.organization.code: row.level for row in standings.rows}
    assert levels["ldld-tuy-phong"] == Level.EXCELLENT
    assert levels["ldld-tp-phan-thiet"] == Level.GOOD
    dist = {d["level"]: (d["count"], d["percent"]) for d in standings.distribution}
    assert dist[Level.EXCELLENT] == (1, Decimal(20))
    assert dist[Level.GOOD] == (4, Decimal(80))


def test_two_concurrent_edits_the_stale_save_is_refused_and_the_first_kept(bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    loaded = result.version  # both officers opened the form at this version
    save_result(
        result=result,
        by=bt1.phu_quy,
        base_version=loaded,
        scores={criterion.pk: {"self_score": Decimal(7)}},
    )
    with pytest.raises(StaleResult):
        save_result(
            result=result,
            by=bt1.head,
            base_version=loaded,
            scores={criterion.pk: {"self_score": Decimal(5)}},
        )
    entry = result.entries.get(criterion=criterion)
    assert entry.self_score == 7
    assert entry.history.count() == 1


def as_browser_posts(form, **changes) -> dict:
    """What a browser submits for a rendered ResultForm: every enabled field as shown (numbers
    the Vietnamese way, ticked boxes only), with `changes` typed over it."""
    from django import forms as django_forms

    data = {}
    for bound in form:
        field = bound.field
        if field.disabled:
            continue
        value = bound.value()
        if isinstance(field, django_forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(field, django_forms.ChoiceField) and bound.name.startswith("keep_"):
            continue
        shown = field.widget.format_value(value)
        if isinstance(shown, list):  # a select posts its one chosen option
            shown = shown[0] if shown else ""
        data[bound.html_name] = "" if shown is None else str(shown)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_stale_save_in_the_browser_form_keeps_the_users_entries(client, bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    client.force_login(bt1.phu_quy)
    opened = client.get(url).context["form"]
    save_result(
        result=result,
        by=bt1.head,
        base_version=result.version,
        scores={criterion.pk: {"self_score": Decimal(6)}},
    )
    response = client.post(url, as_browser_posts(opened, **{f"self_{criterion.pk}": "7,5"}))
    assert response.status_code == 200
    assert "sau khi bạn mở" in response.content.decode()
    assert result.entries.get(criterion=criterion).self_score == 6
    form = response.context["form"]
    # Both changed the same score: both values are offered, the user chooses.
    assert [(c.mine, c.theirs) for c in form.conflict_list] == [("7.5", "6")]
    assert int(form.initial["version"]) == 2
    assert response.context["stale_changes"]
    key = f"keep_self_{criterion.pk}"
    # Saving without choosing saves nothing.
    again = client.post(url, as_browser_posts(form))
    assert again.status_code == 200 and again.context["form"].errors[key]
    assert result.entries.get(criterion=criterion).self_score == 6
    # Keeping one's own value applies it.
    response = client.post(url, as_browser_posts(form, **{key: "mine"}))
    assert response.status_code == 302
    assert result.entries.get(criterion=criterion).self_score == Decimal("7.5")


def test_a_stale_save_never_reverts_what_the_other_officer_changed(client, bt1):
    """The unit saves a self-score while the head, who opened the same form, changes only a
    verified score and its explanation: the head's form is refused, shown again with the
    unit's self-score, and saving it again writes the head's change and nothing else."""
    member = bt1.units["ldld-phu-quy"]
    result = result_for(bt1.cluster_year, member, by=bt1.phu_quy)
    first, second = (next(c for c in bt1.table.criteria if c.label == x) for x in ("I.1", "I.2"))
    save_result(
        result=result,
        by=bt1.phu_quy,
        base_version=result.version,
        scores={first.pk: {"self_score": Decimal(5)}, second.pk: {"self_score": Decimal(4)}},
    )
    url = reverse("clusters:result_detail", args=["bt-1", 2024, member.code])
    head, unit = Client(), Client()
    head.force_login(bt1.head)
    unit.force_login(bt1.phu_quy)
    heads_form = head.get(url).context["form"]
    units_form = unit.get(url).context["form"]
    assert (
        unit.post(url, as_browser_posts(units_form, **{f"self_{first.pk}": "7"})).status_code == 302
    )
    refused = head.post(
        url,
        as_browser_posts(
            heads_form,
            **{f"verified_{second.pk}": "3", f"explanation_{second.pk}": "Thiếu minh chứng"},
        ),
    )
    assert refused.status_code == 200
    shown = refused.context["form"]
    assert shown.conflict_list == []
    assert shown.initial[f"self_{first.pk}"] == 7  # the unit's change, not the old 5
    assert shown.initial[f"verified_{second.pk}"] == Decimal(3)  # the head's own change kept
    assert head.post(url, as_browser_posts(shown)).status_code == 302
    entries = {e.criterion_id: e for e in result.entries.all()}
    assert entries[first.pk].self_score == 7
    assert entries[second.pk].verified_score == 3
    assert entries[second.pk].explanation == "Thiếu minh chứng"
    # The history shows 5 → 7 and never 7 → 5.
    olds = [
        (h.prev_record.self_score if h.prev_record else None, h.self_score)
        for h in entries[first.pk].history.order_by("history_date")
    ]
    assert (Decimal(7), Decimal(5)) not in olds
    assert olds[-1][1] == 7


def test_a_save_writes_only_what_the_user_changed(client, bt1):
    member = bt1.units["ldld-phu-quy"]
    result = result_for(bt1.cluster_year, member, by=bt1.phu_quy)
    first, second = (next(c for c in bt1.table.criteria if c.label == x) for x in ("I.1", "I.2"))
    save_result(
        result=result,
        by=bt1.phu_quy,
        base_version=result.version,
        scores={first.pk: {"self_score": Decimal(5)}, second.pk: {"self_score": Decimal(4)}},
    )
    url = reverse("clusters:result_detail", args=["bt-1", 2024, member.code])
    client.force_login(bt1.phu_quy)
    form = client.get(url).context["form"]
    assert client.post(url, as_browser_posts(form, **{f"self_{first.pk}": "6"})).status_code == 302
    assert result.entries.get(criterion=first).history.count() == 2
    assert result.entries.get(criterion=second).history.count() == 1  # untouched, not re-saved


def test_explanation_required_when_the_verified_score_differs(bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.head)
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    with pytest.raises(ValidationError):
        save_result(
            result=result,
            by=bt1.head,
            base_version=result.version,
            scores={criterion.pk: {"self_score": Decimal(8), "verified_score": Decimal(6)}},
        )
    assert not result.entries.exists()


def test_scores_above_the_maximum_or_not_in_half_points_are_refused(client, bt1):
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")  # 8 points
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    for bad in ["9", "7,3", "-1", "abc"]:
        response = client.post(url, {"version": 0, f"self_{criterion.pk}": bad})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not bt1.cluster_year.results.filter(entries__isnull=False).exists()


# A scoring form's rows as its template drew them, row by row.
FORMER_CRITERION_ROWS = """{% load i18n emulation %}{% for item in criteria %}
<tr data-criterion="{{ item.criterion.pk }}">
  <td><span class="text-muted">{{ item.criterion.label }}</span> {{ item.criterion.title }}
    {% if item.computed %}<div class="small text-muted">{% blocktranslate with name=item.criterion.indicator.name formula=item.criterion.get_formula_display %}From the indicator "{{ name }}": {{ formula }}.{% endblocktranslate %}</div>{% endif %}
  </td>
  <td class="text-end">{{ item.criterion.max_points|num }}</td>
  {% if item.computed %}
    <td class="text-end">{{ item.points_self|num|default:"–" }}</td>
    <td class="text-end">{{ item.points_verified|num|default:"–" }}</td>
    <td class="small text-muted">{% translate "computed from the figures below" %}</td>
    <td></td>
  {% else %}
    <td class="col-score">{{ item.self }}{% for e in item.self.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}</td>
    <td class="col-score">{{ item.verified }}{% for e in item.verified.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}</td>
    <td>{{ item.explanation }}{% for e in item.explanation.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}</td>
    <td class="text-center">{{ item.na }}</td>
  {% endif %}
</tr>
{% endfor %}"""
FORMER_INDICATOR_ROWS = """{% load i18n emulation %}{% for item in indicators %}
<tr><td>{{ item.indicator.name }} <span class="small text-muted">({{ item.indicator.get_kind_display }})</span></td>
  <td class="col-figure">{% if item.target %}{{ item.target }}{% for e in item.target.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}{% else %}<span class="text-muted small">{% translate "no target" %}</span>{% endif %}</td>
  <td class="col-figure">{% if item.qualifier %}<div class="mb-1">{{ item.qualifier }}</div>{% endif %}{{ item.actual }}{% for e in item.actual.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}</td>
  <td class="text-end">{% if item.percent is not None %}{{ item.percent|num:1 }}%{% endif %}</td></tr>
{% endfor %}"""


def test_the_scoring_form_draws_its_rows_as_the_template_drew_them(client, bt1):
    """A unit's criteria and indicators are drawn in Python (`criterion_rows`,
    `indicator_rows`): the same cells as the template's loops drew – fields with their
    errors, computed points, the indicator a criterion is scored from, "no target", the
    share of the target – and text escaped."""
    import re

    from django.template import Context, Template

    from clusters.templatetags.cluster_years import criterion_rows, indicator_rows

    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")  # 8 points
    indicator = bt1.table.indicators[0]
    Indicator.objects.filter(pk=indicator.pk).update(name="Đoàn viên <mới> & kết nạp")
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    response = client.post(
        url, {"version": 0, f"self_{criterion.pk}": "9", f"actual_{indicator.pk}": "abc"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    html = response.content.decode()
    tight = lambda text: re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", text))  # noqa: E731
    items = [item for block in response.context["sections"] for item in block["criteria"]]
    assert any(item["computed"] for item in items)
    for block in response.context["sections"]:
        former = Template(FORMER_CRITERION_ROWS).render(Context({"criteria": block["criteria"]}))
        drawn = criterion_rows(block["criteria"])
        assert tight(drawn) == tight(former)
        assert drawn in html
    indicators = response.context["indicators"]
    assert any(item["target"] is None for item in indicators)
    former = Template(FORMER_INDICATOR_ROWS).render(Context({"indicators": indicators}))
    assert tight(indicator_rows(indicators)) == tight(former)
    assert indicator_rows(indicators) in html
    assert html.count("invalid-feedback d-block") >= 2
    assert "Đoàn viên &lt;mới&gt; &amp; kết nạp" in html


def test_a_member_who_left_mid_year_is_listed_but_not_ranked(bt1):
    fill_all(bt1)
    membership = bt1.cluster_year.memberships.get(organization=bt1.units["ldld-tuy-phong"])
    membership.left_on = datetime.date(2024, 6, 30)
    membership.save()
    standings = cluster_standings(bt1.cluster_year)
    row = standings.row_for(bt1.units["ldld-tuy-phong"].pk)
    assert row.rank is None and not row.member_at_end
    assert standings.ranked[0].entry.organization.code == "ldld-tp-phan-thiet"
    assert standings.counts["members"] == 4


def test_a_units_form_ranks_the_members_without_their_names(client, bt1):
    """The form shows one unit's rank and (capped) suggestion: the standings it reads them
    from rank every member without reading their names and parents (three queries less),
    and the same ranks, suggestions and caps as the full standings; the page names the unit
    as it was called that year."""
    fill_all(bt1)
    full = cluster_standings(bt1.cluster_year, self_totals=False)
    with CaptureQueriesContext(connection) as named:
        cluster_standings(bt1.cluster_year, self_totals=False)
    with CaptureQueriesContext(connection) as unnamed:
        bare = cluster_standings(bt1.cluster_year, self_totals=False, names=False)
    assert len(unnamed) == len(named) - 3
    assert not [q for q in unnamed if "clusters_parentperiod" in q["sql"]]

    def ranked(standings):
        return {
            row.organization_id: (row.rank, row.suggested, row.capped, row.member_at_end)
            for row in standings.rows
        }

    assert ranked(bare) == ranked(full)
    assert any(row.rank for row in bare.rows)
    assert {row.name for row in bare.rows} == {""}
    unit = bt1.units["ldld-bac-binh"]
    OrganizationName.objects.create(
        organization=unit,
        name="Liên đoàn Lao động huyện Bắc Bình cũ",
        used_until=datetime.date(2024, 12, 31),
    )
    client.force_login(bt1.head)
    response = client.get(reverse("clusters:result_detail", args=["bt-1", 2024, unit.code]))
    assert response.context["row"].rank == full.row_for(unit.pk).rank
    assert response.context["name"] == "Liên đoàn Lao động huyện Bắc Bình cũ"


def test_a_unit_never_verifies_its_own_result(client, bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-bac-binh"], by=bt1.head)
    client.force_login(bt1.head)
    url = reverse("clusters:result_action", args=["bt-1", 2024, "ldld-bac-binh", "verify"])
    assert client.post(url).status_code == 403
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    detail = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-bac-binh"])
    client.post(detail, {"version": result.version, f"verified_{criterion.pk}": "1"})
    assert not result.entries.filter(verified_score__isnull=False).exists()


def test_member_cannot_edit_another_unit_nor_its_own_once_submitted(client, bt1):
    fill_all(bt1, verify=False)
    client.force_login(bt1.phu_quy)
    other = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-ham-thuan-bac"])
    assert client.get(other).status_code == 403  # others' scores hidden until the review
    assert client.post(other, {"version": 1}).status_code == 403
    result = bt1.cluster_year.results.get(organization=bt1.units["ldld-phu-quy"])
    submit_result(result, by=bt1.phu_quy)
    own = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    assert client.get(own).status_code == 200
    assert client.post(own, {"version": result.version + 1}).status_code == 403


def test_submit_needs_every_criterion_scored(bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    with pytest.raises(ValidationError):
        submit_result(result, by=bt1.phu_quy)


def test_override_needs_a_reason_and_the_cap_holds(bt1):
    fill_all(bt1)
    phan_thiet = bt1.cluster_year.results.get(organization=bt1.units["ldld-tp-phan-thiet"])
    with pytest.raises(ValidationError):
        set_level(phan_thiet, by=bt1.head, level=Level.COMPLETED, reason="")
    with pytest.raises(ValidationError):  # Tuy Phong already holds the only HTXSNV
        set_level(phan_thiet, by=bt1.head, level=Level.EXCELLENT, reason="Dẫn đầu phong trào")
    set_level(phan_thiet, by=bt1.head, level=Level.NONE, reason="Đang củng cố tổ chức")
    phan_thiet.refresh_from_db()
    assert phan_thiet.level == Level.NONE and phan_thiet.level_reason


def test_locking_freezes_the_results_and_staff_reopen_one(client, bt1):
    fill_all(bt1)
    bt1.cluster_year.status = ClusterYearStatus.OPEN
    bt1.cluster_year.save()
    assert lock_results(bt1.cluster_year, by=bt1.head, reason="Chốt kết quả") == 5
    bt1.cluster_year.refresh_from_db()
    assert bt1.cluster_year.status == ClusterYearStatus.REVIEW
    result = bt1.cluster_year.results.get(organization=bt1.units["ldld-tuy-phong"])
    assert result.status == ResultStatus.LOCKED and result.level == Level.EXCELLENT
    client.force_login(bt1.head)
    detail = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-tuy-phong"])
    assert client.post(detail, {"version": result.version}).status_code == 403
    with pytest.raises(ValidationError):
        reopen_result(result, by=bt1.staff, reason="")
    reopen_result(result, by=bt1.staff, reason="Bổ sung minh chứng")
    result.refresh_from_db()
    assert result.status == ResultStatus.SUBMITTED
    assert client.get(detail).context["rights"].verify
    with pytest.raises(ValidationError):
        lock_results(bt1.cluster_year, by=bt1.head, reason="Lần hai")


def test_history_shows_who_when_old_new_and_why(client, bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    client.post(url, {"version": result.version, f"self_{criterion.pk}": "7", "reason": "Lần 1"})
    client.post(
        url, {"version": result.version + 1, f"self_{criterion.pk}": "6,5", "reason": "Sửa"}
    )
    history = client.get(url).context["history"]
    change = next(c for c in history if c.what.startswith("I.1") and c.reason == "Sửa")
    assert (change.old, change.who) == ("7", bt1.phu_quy)
    assert change.new in ("6,5", "6.5")


def test_members_see_others_scores_after_the_review(client, bt1):
    fill_all(bt1)
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-tuy-phong"])
    assert client.get(url).status_code == 403
    bt1.cluster_year.status = ClusterYearStatus.REVIEW
    bt1.cluster_year.save()
    assert client.get(url).status_code == 200


def test_running_totals_follow_the_typed_scores(client, bt1):
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_totals", args=["bt-1", 2024, "ldld-phu-quy"])
    response = client.post(url, {f"self_{criterion.pk}": "7,5"})
    assert response.status_code == 200
    assert response.context["panel"]["self"].section_scores["I"] == Decimal("7.5")


def test_results_grid_queries_do_not_grow_with_the_members(client, bt1):
    fill_all(bt1)
    client.force_login(bt1.staff)
    url = reverse("clusters:results", args=["bt-1", 2024])
    before = count_queries(client, url)
    for i in range(4):
        unit = OrganizationFactory(parent=bt1.province)
        bt1.cluster_year.memberships.create(organization=unit)
        result = result_for(bt1.cluster_year, unit, by=bt1.head)
        score_demo_result(result, bt1.table, BT1_2024["ldld-phu-quy"], i, by=bt1.head)
    client.force_login(UserFactory())  # reset cached rights
    client.force_login(bt1.staff)
    assert count_queries(client, url) == before


@pytest.mark.parametrize("who", ["staff", "phu_quy"])
def test_the_results_grid_reads_the_programme_once(client, bt1, who):
    """The grid's standings and its rules (whether a member sees the others' scores) use the
    programme the grid read: one query of the programmes, for the staff as for a member."""
    fill_all(bt1)
    client.force_login(getattr(bt1, who))
    url = reverse("clusters:results", args=["bt-1", 2024])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) == 5
    assert response.context["standings"].table.program == response.context["program"]
    read = [q for q in captured if 'FROM "clusters_emulationprogram"' in q["sql"]]
    assert len(read) == 1


def test_the_grid_rows_show_each_members_state(client, bt1):
    """Each row of the grid as the staff see it – its link, the head's badge, a member that
    left (muted, not ranked), a classification changed from the suggested one with its
    reason (escaped), a unit marked not classified with its reason – and as a member sees
    it before the review: the others' scores hidden, its own shown."""
    fill_all(bt1)
    left = bt1.cluster_year.memberships.get(organization=bt1.units["ldld-ham-thuan-bac"])
    left.left_on = datetime.date(2024, 6, 30)
    left.save()
    results = {r.organization.code: r for r in bt1.cluster_year.results.all()}
    results["ldld-tp-phan-thiet"].level = Level.EXCELLENT
    results["ldld-tp-phan-thiet"].level_reason = 'Theo <Quyết định> "số 5"'
    results["ldld-tp-phan-thiet"].save()
    results["ldld-phu-quy"].level = Level.NONE
    results["ldld-phu-quy"].level_reason = "Đang củng cố tổ chức"
    results["ldld-phu-quy"].save()
    client.force_login(bt1.staff)
    url = reverse("clusters:results", args=["bt-1", 2024])
    grid = client.get(url).content.decode()
    row = grid[grid.index('<tr id="row-ldld-bac-binh">') :]
    row = row[: row.index("</tr>")]
    detail = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-bac-binh"])
    assert f'<a href="{detail}">Liên đoàn Lao động huyện Bắc Bình</a>' in row
    assert '<span class="badge text-bg-light border">Cụm trưởng</span>' in row
    assert '<td class="text-end fw-bold">' in row and 'name="level"' in row
    assert (
        '<tr id="row-ldld-ham-thuan-bac" class="text-muted">' in grid
        and "rời cụm ngày 30/06/2024 – không xếp hạng" in grid
    )
    assert '→ <strong title="Theo &lt;Quyết định&gt; &quot;số 5&quot;">HTXSNV</strong>' in grid
    assert '<div class="small text-muted">Đang củng cố tổ chức</div>' in grid
    client.force_login(bt1.phu_quy)
    grid = client.get(url).content.decode()
    assert grid.count("hiển thị sau hội nghị tổng kết") == 4  # every member but itself
    own = grid[grid.index('<tr id="row-ldld-phu-quy">') :]
    assert own.index("</tr>") > own.index('<td class="text-end fw-semibold">')
    assert 'name="level"' not in grid


def test_a_unit_that_joined_after_the_year_ended_shows_in_the_grid_unranked(client, bt1):
    """A cluster-year ended early (a restructuring) and a unit recorded as joining after its
    end: not a member at the year's end, with no day it left – its row says it is not
    ranked, with no date."""
    fill_all(bt1)
    bt1.cluster_year.ended_on = datetime.date(2024, 6, 30)
    bt1.cluster_year.save()
    late = bt1.cluster_year.memberships.get(organization=bt1.units["ldld-phu-quy"])
    late.joined_on = datetime.date(2024, 7, 1)
    late.save()
    client.force_login(bt1.staff)
    response = client.get(reverse("clusters:results", args=["bt-1", 2024]))
    assert response.status_code == 200
    grid = response.content.decode()
    assert '<tr id="row-ldld-phu-quy" class="text-muted">' in grid
    assert "rời cụm ngày  – không xếp hạng" in grid


def test_result_form_queries_do_not_grow_with_the_history(client, bt1):
    fill_all(bt1)
    client.force_login(bt1.staff)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    before = count_queries(client, url)
    result = bt1.cluster_year.results.get(organization=bt1.units["ldld-phu-quy"])
    reopen = {c.pk: {"explanation": f"Ghi chú {c.pk}"} for c in bt1.table.criteria[:3]}
    save_result(result=result, by=bt1.head, base_version=result.version, scores=reopen)
    assert count_queries(client, url) == before


def test_a_member_cannot_read_the_ranking_from_the_order_of_the_grid(client, bt1):
    fill_all(bt1)
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:results", args=["bt-1", 2024])
    for sort in ["", "?sort=rank", "?sort=verified", "?sort=-difference"]:
        rows = [item["row"].name for item in client.get(url + sort).context["rows"]]
        assert rows == sorted(rows, key=str.lower)
    own = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    assert not client.get(own).context["see_all"]


def test_nothing_can_be_entered_for_a_member_once_the_results_are_locked(client, bt1):
    tuy_phong = result_for(bt1.cluster_year, bt1.units["ldld-tuy-phong"], by=bt1.head)
    score_demo_result(tuy_phong, bt1.table, BT1_2024["ldld-tuy-phong"], 0, by=bt1.head)
    lock_results(bt1.cluster_year, by=bt1.head, reason="Chốt")
    client.force_login(bt1.head)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    assert client.post(url, {"version": 0, f"self_{criterion.pk}": "5"}).status_code == 403
    assert not bt1.cluster_year.results.filter(organization=bt1.units["ldld-phu-quy"]).exists()


def test_a_unit_corrects_its_self_score_after_the_head_prefilled_the_verified_one(client, bt1):
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    score_demo_result(result, bt1.table, BT1_2024["ldld-phu-quy"], 3, by=bt1.head)
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    result.refresh_from_db()
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    response = client.post(url, {"version": result.version, f"self_{criterion.pk}": "3"})
    assert response.status_code == 302
    assert result.entries.get(criterion=criterion).self_score == 3


def test_a_member_who_left_is_not_classified(bt1):
    fill_all(bt1)
    membership = bt1.cluster_year.memberships.get(organization=bt1.units["ldld-tuy-phong"])
    membership.left_on = datetime.date(2024, 6, 30)
    membership.save()
    row = cluster_standings(bt1.cluster_year).row_for(bt1.units["ldld-tuy-phong"].pk)
    assert row.suggested == ""


def test_running_totals_ignore_numbers_that_are_not_finite(client, bt1):
    first, second = (next(c for c in bt1.table.criteria if c.label == x) for x in ("I.1", "I.2"))
    result = result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    save_result(
        result=result,
        by=bt1.phu_quy,
        base_version=result.version,
        scores={first.pk: {"self_score": Decimal(5)}},
    )
    client.force_login(bt1.phu_quy)
    url = reverse("clusters:result_totals", args=["bt-1", 2024, "ldld-phu-quy"])
    for bad in ["NaN", "Infinity", "-Infinity", "1e999999999", "9" * 20]:
        response = client.post(url, {f"self_{first.pk}": bad, f"self_{second.pk}": "3"})
        assert response.status_code == 200, bad
        # The saved 5 stands for what cannot be a score; the 3 typed beside it counts.
        totals = response.context["panel"]["self"]
        assert (totals.section_scores["I"], totals.running_total) == (Decimal(8), Decimal(8)), bad


def test_figures_are_typed_as_the_offices_write_them(client, bt1):
    result_for(bt1.cluster_year, bt1.units["ldld-phu-quy"], by=bt1.phu_quy)
    money = next(i for i in bt1.table.indicators if i.has_target)  # a count: whole numbers
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    client.force_login(bt1.phu_quy)
    response = client.post(
        url,
        {"version": 1, f"target_{money.pk}": "1.200", f"actual_{money.pk}": "1.234"},
    )
    assert response.status_code == 302
    value = bt1.cluster_year.results.get(
        organization=bt1.units["ldld-phu-quy"]
    ).indicator_values.get(indicator=money)
    assert (value.target, value.actual) == (Decimal(1200), Decimal(1234))
    response = client.post(url, {"version": 2, f"actual_{money.pk}": "12a"})
    assert response.status_code == 200 and response.context["form"].errors


def test_a_self_assessment_after_the_deadline_is_accepted_and_marked_late(client, bt1):
    fill_all(bt1, verify=False)
    today = timezone.localdate()

    def submit(user, code):
        result = bt1.cluster_year.results.get(organization=bt1.units[code])
        client.force_login(user)
        url = reverse("clusters:result_action", args=["bt-1", 2024, code, "submit"])
        assert client.post(url, {"version": result.version}).status_code == 302
        result.refresh_from_db()
        return result

    bt1.program.self_assessment_deadline = today  # on the day itself: still in time
    bt1.program.save()
    on_time = submit(bt1.tuy_phong, "ldld-tuy-phong")
    assert on_time.status == ResultStatus.SUBMITTED and not on_time.submitted_late
    bt1.program.self_assessment_deadline = today - datetime.timedelta(days=1)
    bt1.program.save()
    late = submit(bt1.phu_quy, "ldld-phu-quy")
    assert late.status == ResultStatus.SUBMITTED and late.submitted_late
    # The head sees which one came late, in the grid and on the result.
    client.force_login(bt1.head)
    grid = client.get(reverse("clusters:results", args=["bt-1", 2024])).content.decode()
    assert grid.count('<span class="badge text-bg-warning">muộn</span>') == 1
    page = client.get(reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"]))
    assert "nộp sau hạn" in page.content.decode()
    page = client.get(reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-tuy-phong"]))
    assert "nộp sau hạn" not in page.content.decode()


def as_posted(form) -> dict:
    """A result form sent back as the browser sends it: every field the user may change, with
    the value it shows."""
    data = {}
    with translation.override("vi"):
        for name, field in form.fields.items():
            value = form[name].value()
            if field.disabled or value in (None, "", False):
                continue
            data[name] = "on" if value is True else field.widget.format_value(value)
    return data


def test_the_head_returns_a_result_to_its_unit_which_edits_it_again(client, bt1):
    fill_all(bt1, verify=False)
    result = bt1.cluster_year.results.get(organization=bt1.units["ldld-phu-quy"])
    submit_result(result, by=bt1.phu_quy)
    result.refresh_from_db()
    criterion = next(c for c in bt1.table.criteria if c.label == "I.1")
    detail = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    back = reverse("clusters:result_action", args=["bt-1", 2024, "ldld-phu-quy", "return"])
    client.force_login(bt1.phu_quy)
    assert not client.get(detail).context["rights"].enter_self  # submitted: no more edits
    assert client.post(back, {"reason": "Tự trả lại"}).status_code == 403  # not the unit's

    client.force_login(bt1.head)
    client.post(back, {"reason": ""})  # a reason is required
    result.refresh_from_db()
    assert result.status == ResultStatus.SUBMITTED
    reason = "Bổ sung minh chứng tiêu chí I.1"
    assert client.post(back, {"reason": reason}).status_code == 302
    result.refresh_from_db()
    assert result.status == ResultStatus.DRAFT

    # The unit corrects a score and submits again.
    client.force_login(bt1.phu_quy)
    form = client.get(detail).context["form"]
    response = client.post(detail, as_posted(form) | {f"self_{criterion.pk}": "7"})
    assert response.status_code == 302
    assert result.entries.get(criterion=criterion).self_score == 7
    result.refresh_from_db()
    submit_result(result, by=bt1.phu_quy, version=result.version)
    # The history says who sent it back, when and why.
    history = client.get(detail).context["history"]
    with translation.override("vi"):
        labels = str(ResultStatus.SUBMITTED.label), str(ResultStatus.DRAFT.label)
    assert [(c.who, c.old, c.new) for c in history if c.reason == reason] == [(bt1.head, *labels)]


@pytest.mark.parametrize(
    "visibility, status, sees_others",
    [
        (Visibility.ALWAYS, ClusterYearStatus.OPEN, True),
        (Visibility.ALWAYS, ClusterYearStatus.REVIEW, True),
        (Visibility.AFTER_REVIEW, ClusterYearStatus.OPEN, False),
        (Visibility.AFTER_REVIEW, ClusterYearStatus.CLOSED, True),
        (Visibility.OWN_ONLY, ClusterYearStatus.OPEN, False),
        (Visibility.OWN_ONLY, ClusterYearStatus.REVIEW, False),
        (Visibility.OWN_ONLY, ClusterYearStatus.CLOSED, False),
    ],
)
def test_a_member_sees_others_scores_as_its_programme_says(
    client, bt1, visibility, status, sees_others
):
    fill_all(bt1)
    bt1.program.visibility = visibility
    bt1.program.save()
    bt1.cluster_year.status = status
    bt1.cluster_year.save()
    client.force_login(bt1.phu_quy)
    other = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-tp-phan-thiet"])
    own = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    assert client.get(other).status_code == (200 if sees_others else 403)
    assert client.get(own).status_code == 200
    rows = client.get(reverse("clusters:results", args=["bt-1", 2024])).context["rows"]
    shown = {item["row"].entry.organization.code for item in rows if item["visible"]}
    assert shown == (set(bt1.units) if sees_others else {"ldld-phu-quy"})
    # The deputy sees every score, whatever the setting.
    client.force_login(bt1.tuy_phong)
    assert client.get(other).status_code == 200


def test_stored_rank_reads_the_stored_totals_of_the_members_at_the_years_end(world):
    """The dossier's rank: from the stored verified totals, ties told apart by the
    programme's tie-break (none here: no scores, so they share the rank), a unit that left
    before the year's end not ranked."""
    from decimal import Decimal

    from clusters.models import AnnualResult, Membership
    from clusters.services import create_default_program, result_for
    from clusters.services.results import stored_rank
    from clusters.services.scoring import load_table

    table = load_table(create_default_program(organizer=world.province, year=world.year))
    units = [world.head_unit, world.deputy_unit, world.member_unit]
    results = [result_for(world.cluster_year, unit, by=None) for unit in units]
    for result, total in zip(results, (90, 80, 80), strict=True):
        AnnualResult.objects.filter(pk=result.pk).update(verified_total=Decimal(total))
    assert [stored_rank(r, table) for r in results] == [(1, 3), (2, 3), (2, 3)]
    Membership.objects.filter(
        cluster_year=world.cluster_year, organization=world.member_unit
    ).update(left_on=datetime.date(world.year, 1, 31))
    assert [stored_rank(r, table) for r in results] == [(1, 2), (2, 2), (None, 2)]


def test_stored_rank_tells_ties_apart_from_plain_rows_of_the_tied_units_scores(world):
    """Units tied on the stored total are told apart by the programme's tie-break (here the
    points of section I first), read from the tied units' scores and figures as plain rows:
    no score or figure is built as a model instance (a cluster of 25 tied units read 600)."""
    from decimal import Decimal

    from django.db.models.signals import post_init

    from clusters.models import AnnualResult, IndicatorValue, ScoreEntry
    from clusters.services import create_default_program, result_for
    from clusters.services.results import stored_rank
    from clusters.services.scoring import load_table

    table = load_table(create_default_program(organizer=world.province, year=world.year))
    assert table.program.tie_break_codes[0] == "I"
    section = next(s for s in table.sections if s.code == "I")
    criterion = table.criteria_of(section)[0]
    units = [world.head_unit, world.deputy_unit, world.member_unit]
    results = [result_for(world.cluster_year, unit, by=None) for unit in units]
    for result, total, points in zip(
        results, (80, 80, 90), (Decimal(1), Decimal(3), None), strict=True
    ):
        AnnualResult.objects.filter(pk=result.pk).update(verified_total=Decimal(total))
        if points is not None:
            ScoreEntry.objects.update_or_create(
                result=result, criterion=criterion, defaults={"verified_score": points}
            )
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count, sender=ScoreEntry)
    post_init.connect(count, sender=IndicatorValue)
    try:
        ranks = [stored_rank(r, table) for r in results]
    finally:
        post_init.disconnect(count, sender=ScoreEntry)
        post_init.disconnect(count, sender=IndicatorValue)
    # The unit with the higher total first; of the two tied, the one with more points in I.
    assert ranks == [(3, 3), (2, 3), (1, 3)]
    assert built == []
    # The tied units are told from the totals read: their scores and figures are asked by
    # key, not through the members at the year's end again – three queries either way.
    with CaptureQueriesContext(connection) as tied:
        assert stored_rank(results[0], table) == (3, 3)
    AnnualResult.objects.filter(pk=results[0].pk).update(verified_total=Decimal(85))
    with CaptureQueriesContext(connection) as untied:
        assert stored_rank(results[0], table) == (2, 3)
    assert len(tied) == len(untied) == 3
    for query in tied[1:] + untied[1:]:
        assert "clusters_membership" not in query["sql"]


def test_a_members_own_form_skips_the_standings_it_is_not_shown(client, bt1, monkeypatch):
    """Before the review a member sees neither its rank nor the others' scores: its form
    reads no other member's result (the whole cluster's standings were two thirds of its
    time), and still names the unit as of the year. The head's shows the rank."""
    from clusters.services import rename_organization
    from clusters.views import results as views

    fill_all(bt1)
    rename_organization(
        organization=bt1.units["ldld-phu-quy"],
        new_name="Công đoàn đặc khu Phú Quý",
        from_day=datetime.date(2025, 7, 1),
        reason="Sắp xếp",
    )
    computed = []
    real = views.cluster_standings
    monkeypatch.setattr(
        views,
        "cluster_standings",
        lambda *args, **kwargs: computed.append(kwargs) or real(*args, **kwargs),
    )
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    client.force_login(bt1.phu_quy)
    response = client.get(url)
    assert response.status_code == 200
    assert computed == []
    assert response.context["name"] == "Liên đoàn Lao động huyện Phú Quý"
    assert response.context["see_all"] is False
    assert "text-bg-primary" not in response.content.decode()
    client.force_login(bt1.head)
    response = client.get(url)
    # Without the self-assessed totals, which neither rank nor classify, nor the others' names.
    assert computed == [{"self_totals": False, "names": False}]
    assert response.context["name"] == "Liên đoàn Lao động huyện Phú Quý"
    assert response.context["row"].rank == 5
    assert response.context["row"].verified_total is not None
    assert 'text-bg-primary">Xếp hạng 5</span>' in response.content.decode()


def test_the_scoring_form_reads_results_and_evidence_without_the_models_ordering(client, bt1):
    """The result, the cluster's results and the evidence are read without the models'
    ordering, which joined the cluster and its organiser to sort them (5 ms of planning on
    PostgreSQL for the one result of the form)."""
    fill_all(bt1)
    client.force_login(bt1.head)
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    read = [
        q["sql"]
        for q in queries.captured_queries
        if " FROM " in q["sql"]
        and q["sql"].split(" FROM ")[1].split()[0]
        in ('"clusters_annualresult"', '"clusters_evidence"')
    ]
    assert len(read) >= 3
    assert not [sql for sql in read if '"clusters_cluster"' in sql]


def test_standings_without_the_self_totals_rank_and_classify_alike(bt1):
    fill_all(bt1)
    full = cluster_standings(bt1.cluster_year)
    lean = cluster_standings(bt1.cluster_year, self_totals=False)
    assert any(r.self_total is not None for r in full.rows)
    assert all(r.self_total is None for r in lean.rows)
    assert [
        (r.organization_id, r.rank, r.verified_total, r.suggested, r.capped) for r in lean.rows
    ] == [(r.organization_id, r.rank, r.verified_total, r.suggested, r.capped) for r in full.rows]
