"""The cap on the top level as the regulation has it: a share of all the member units or of
the classified ones, rounded down or to the nearest unit; a typed classification beyond the
cap is recorded with a reason instead of refused; "not classified" straight from the grid."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.template import Context
from django.urls import reverse

from clusters.models import CapBasis, CapRounding, Level, OrganizationKind
from clusters.services import cluster_standings, result_for, set_level
from clusters.services.results import BeyondCap
from clusters.services.scoring import top_level_quota
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("units", "share", "rounding", "quota"),
    [
        (13, D(20), CapRounding.DOWN, 2),  # 2,6
        (13, D(20), CapRounding.NEAREST, 3),
        (12, D(20), CapRounding.NEAREST, 2),  # 2,4
        (10, D(25), CapRounding.DOWN, 2),  # 2,5: a half rounds up to the nearest
        (10, D(25), CapRounding.NEAREST, 3),
        (30, D(20), CapRounding.DOWN, 6),
        (29, D(20), CapRounding.DOWN, 5),  # 5,8
        (29, D(20), CapRounding.NEAREST, 6),
    ],
)
def test_quota_rounds_down_or_to_the_nearest_unit(units, share, rounding, quota):
    assert top_level_quota(units, share, rounding) == quota


class Cluster30:
    pass


@pytest.fixture
def c30():
    """A 30-member cluster whose head typed its classifications from the paper."""
    w = Cluster30()
    w.province = OrganizationFactory(code="tinh", kind=OrganizationKind.PROVINCIAL)
    w.units = [
        OrganizationFactory(code=f"u{i:02d}", name=f"Công đoàn cơ sở số {i:02d}", parent=w.province)
        for i in range(1, 31)
    ]
    w.cluster_year = ClusterYearFactory(
        cluster=ClusterFactory(organizer=w.province, code="cum-30"),
        year=2024,
        head=w.units[-1],
        members=w.units,
    )
    w.program = ProgramFactory(organizer=w.province, year=2024)
    w.head = OfficerFactory(organization=w.units[-1]).user
    w.staff = OfficerFactory(organization=w.province).user
    return w


def classify(w, unit, level, reason="Theo biên bản họp cụm", **kwargs):
    result = result_for(w.cluster_year, unit, by=w.head)
    return set_level(result, by=w.head, level=level, reason=reason, **kwargs)


def use_cap(w, basis, rounding=CapRounding.DOWN):
    w.program.cap_basis = basis
    w.program.cap_rounding = rounding
    w.program.save()


def test_twenty_percent_of_all_members_accepts_six_of_thirty(c30):
    use_cap(c30, CapBasis.MEMBERS)
    classify(c30, c30.units[0], Level.NONE, reason="Đang củng cố tổ chức")
    for unit in c30.units[1:7]:
        classify(c30, unit, Level.EXCELLENT)
    standings = cluster_standings(c30.cluster_year)
    assert standings.quota == 6
    assert sum(1 for row in standings.rows if row.level == Level.EXCELLENT) == 6
    assert "30" in standings.cap_text and "tất cả" in standings.cap_text.lower()


def test_on_the_classified_units_the_sixth_asks_for_a_reason_and_is_kept_with_it(c30):
    use_cap(c30, CapBasis.CLASSIFIED)
    classify(c30, c30.units[0], Level.NONE, reason="Đang củng cố tổ chức")
    for unit in c30.units[1:6]:
        classify(c30, unit, Level.EXCELLENT)
    assert cluster_standings(c30.cluster_year).quota == 5  # 20% of 29, rounded down
    sixth = c30.units[6]
    with pytest.raises(BeyondCap):
        classify(c30, sixth, Level.EXCELLENT)
    with pytest.raises(BeyondCap):  # confirmed, but without a reason
        classify(c30, sixth, Level.EXCELLENT, reason="", beyond_cap=True)
    result = classify(
        c30, sixth, Level.EXCELLENT, reason="Quyết định số 12/QĐ-LĐLĐ", beyond_cap=True
    )
    assert result.level == Level.EXCELLENT
    change = result.history.first()
    assert "12/QĐ-LĐLĐ" in change.history_change_reason
    assert "giới hạn" in change.history_change_reason.lower()
    # Rounded to the nearest unit, 5,8 makes 6: the same classification is within the cap.
    use_cap(c30, CapBasis.CLASSIFIED, CapRounding.NEAREST)
    standings = cluster_standings(c30.cluster_year)
    assert standings.quota == 6
    assert sum(1 for row in standings.rows if row.level == Level.EXCELLENT) == 6
    assert standings.excellent_beyond_cap(c30.units[7].pk)


def test_shares_are_of_all_the_member_units(c30):
    use_cap(c30, CapBasis.CLASSIFIED)
    classify(c30, c30.units[0], Level.NONE, reason="Đang củng cố tổ chức")
    classify(c30, c30.units[1], Level.EXCELLENT)
    distribution = {d["level"]: d for d in cluster_standings(c30.cluster_year).distribution}
    assert distribution[Level.NONE]["count"] == 29  # the typed KXL and those not yet classified
    assert distribution[Level.EXCELLENT]["percent"] == D(100) / 30


def test_not_classified_needs_its_reason(c30):
    with pytest.raises(ValidationError):
        classify(c30, c30.units[0], Level.NONE, reason="")


def test_head_marks_a_unit_not_classified_straight_from_the_grid(client, c30):
    client.force_login(c30.head)
    url = reverse("clusters:results", args=["cum-30", 2024])
    page = client.get(url)
    assert reverse("clusters:results_classify", args=["cum-30", 2024]) in page.content.decode()
    response = client.post(
        reverse("clusters:results_classify", args=["cum-30", 2024]),
        {"unit": "u03", "level": Level.NONE, "reason": "Đang củng cố tổ chức"},
    )
    assert response.status_code == 302
    result = c30.cluster_year.results.get(organization__code="u03")
    assert (result.level, result.level_reason) == (Level.NONE, "Đang củng cố tổ chức")
    assert "Đang củng cố tổ chức" in client.get(url).content.decode()


def test_grid_sends_a_top_level_beyond_the_cap_back_for_its_reason(client, c30):
    use_cap(c30, CapBasis.MEMBERS)
    for unit in c30.units[:6]:
        classify(c30, unit, Level.EXCELLENT)
    client.force_login(c30.head)
    classify_url = reverse("clusters:results_classify", args=["cum-30", 2024])
    response = client.post(
        classify_url, {"unit": "u07", "level": Level.EXCELLENT, "reason": "Theo biên bản"}
    )
    assert response.status_code == 302
    assert "confirm=u07" in response["Location"]
    assert not c30.cluster_year.results.filter(organization__code="u07").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'name="beyond_cap"' in page
    client.post(
        classify_url,
        {"unit": "u07", "level": Level.EXCELLENT, "reason": "QĐ 5/QĐ", "beyond_cap": "on"},
    )
    assert c30.cluster_year.results.get(organization__code="u07").level == Level.EXCELLENT


def test_the_head_classifies_no_unit_of_its_own_from_the_grid(client, c30):
    client.force_login(c30.head)
    response = client.post(
        reverse("clusters:results_classify", args=["cum-30", 2024]),
        {"unit": "u30", "level": Level.NONE, "reason": "x"},
    )
    assert response.status_code == 403


def test_results_page_says_on_what_basis_and_how_the_cap_is_rounded(client, c30):
    use_cap(c30, CapBasis.CLASSIFIED, CapRounding.NEAREST)
    client.force_login(c30.staff)
    page = client.get(reverse("clusters:results", args=["cum-30", 2024])).content.decode()
    assert "các đơn vị được xếp loại" in page
    assert "làm tròn" in page


def test_scoring_form_sends_a_top_level_beyond_the_cap_back_for_its_reason(client, c30):
    use_cap(c30, CapBasis.MEMBERS)
    for unit in c30.units[:6]:
        classify(c30, unit, Level.EXCELLENT)
    result_for(c30.cluster_year, c30.units[6], by=c30.head)
    client.force_login(c30.head)
    action = reverse("clusters:result_action", args=["cum-30", 2024, "u07", "level"])
    response = client.post(action, {"level": Level.EXCELLENT, "reason": "Theo biên bản"})
    assert "confirm_level=htxsnv" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'name="beyond_cap"' in page and "Vượt giới hạn" in page
    client.post(action, {"level": Level.EXCELLENT, "reason": "QĐ 5/QĐ", "beyond_cap": "on"})
    assert c30.cluster_year.results.get(organization__code="u07").level == Level.EXCELLENT


def test_the_grid_draws_each_classification_form_as_its_template_does(client, c30):
    """The grid's forms are drawn once for a stand-in member, then given each row's code,
    level and reason (`classify_form`): the same HTML as the template drawn for each row –
    a reason with quotes and brackets, levels set and not, the row sent back to confirm."""
    import re

    from django.template import engines
    from django.test.html import parse_html

    use_cap(c30, CapBasis.MEMBERS)
    classify(c30, c30.units[0], Level.NONE, reason='Theo "biên bản" <họp> & QĐ 5')
    classify(c30, c30.units[1], Level.EXCELLENT)
    classify(c30, c30.units[2], Level.GOOD, reason="Theo biên bản")
    client.force_login(c30.head)
    url = reverse("clusters:results", args=["cum-30", 2024])
    for query in ("", f"?confirm=u04&level={Level.EXCELLENT}"):
        response = client.get(url + query)
        page = response.content.decode()
        drawn = re.findall(
            r"<details class=\"text-start small mt-1 classify\".*?</details>", page, re.S
        )
        context = response.context
        template = engines["django"].engine.get_template("clusters/partials/results_classify.html")
        expected = []
        for item in context["rows"]:
            if not item["classify"]:
                continue
            values = {
                key: context[key]
                for key in ("classify_url", "levels", "confirm_unit", "confirm_level", "standings")
            }
            values.update(row=item["row"], csrf_token=context["csrf_token"])
            html = template.render(Context(values, autoescape=True))
            expected.append(re.search(r"<details.*</details>", html, re.S).group(0))
        assert len(drawn) == len(expected) == 29  # every member but the head's own unit
        for ours, theirs in zip(drawn, expected, strict=True):
            assert parse_html(ours) == parse_html(theirs)
        assert "Theo &quot;biên bản&quot; &lt;họp&gt; &amp; QĐ 5" in page
    assert 'name="beyond_cap"' in page  # the row sent back, drawn by the template
