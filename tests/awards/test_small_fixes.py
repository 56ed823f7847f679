"""Small things users met: what state a submitted year is in once decided, who verifies the
head unit's own result, "save and add rows" among the conclusions, the submitter's full name,
grouped figures after saving."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from awards.services.approval import approve, record_decision, submit
from awards.services.year_state import submitted_year_state
from clusters.models import IndicatorValue
from clusters.services import result_for, submit_result
from clusters.services.meetings import year_state
from tests.awards.conftest import approval  # noqa: F401
from tests.awards.test_review_meeting import review  # noqa: F401
from tests.clusters.test_results import bt1  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_submitted_year_says_whether_it_is_decided(client, approval):  # noqa: F811
    w = approval
    assert submitted_year_state(w.cluster_year) == ""  # not submitted yet
    submit(w.cluster_year, by=w.head)
    w.cluster_year.refresh_from_db()
    assert "2/2" in year_state(w.cluster_year) and "chờ" in year_state(w.cluster_year)
    flag = approve(w.flag_nomination, by=w.staff)
    certificate = approve(w.certificate_nomination, by=w.staff)
    assert "chờ quyết định" in year_state(w.cluster_year)
    record_decision(
        organizer=w.province,
        year=2024,
        number="125/QĐ-LĐLĐ",
        signed_on=datetime.date(2025, 1, 20),
        signer="Nguyễn Văn Bình",
        nominations=[flag, certificate],
        by=w.staff,
    )
    state = year_state(w.cluster_year)
    assert "Đã có quyết định" in state and "125/QĐ-LĐLĐ" in state
    client.force_login(w.head)
    page = client.get(reverse("clusters:cluster_year", args=["bt-1", 2024]))
    assert "125/QĐ-LĐLĐ" in page.content.decode()
    # The dashboard's lists say it too, for the head and for the organiser's staff.
    for user in (w.head, w.staff):
        client.force_login(user)
        dashboard = client.get(reverse("dashboard")).content.decode()
        assert "Đã có quyết định khen thưởng – Quyết định số 125/QĐ-LĐLĐ" in dashboard


def test_the_submitter_is_shown_by_full_name(client, approval):  # noqa: F811
    w = approval
    w.head.first_name, w.head.last_name = "Trần Văn Hùng", ""
    w.head.save()
    submit(w.cluster_year, by=w.head)
    client.force_login(w.head)
    page = client.get(reverse("awards:proposal", args=["bt-1", 2024])).content.decode()
    assert "Trần Văn Hùng" in page


def test_the_head_units_own_result_waits_for_the_organisers_staff(client, bt1):  # noqa: F811
    w = bt1
    own = result_for(w.cluster_year, w.units["ldld-bac-binh"], by=w.head)
    for criterion in w.table.criteria:
        if not criterion.is_computed and criterion.section.kind == "score":
            own.entries.create(criterion=criterion, self_score=criterion.max_points)
    for indicator in w.table.indicators:
        IndicatorValue.objects.create(result=own, indicator=indicator, target=1, actual=1)
    submit_result(own, by=w.head)
    client.force_login(w.head)
    grid = client.get(reverse("clusters:results", args=["bt-1", 2024])).content.decode()
    assert "do cán bộ Liên đoàn Lao động tỉnh Bình Thuận thẩm định" in grid
    page = client.get(
        reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-bac-binh"])
    ).content.decode()
    assert "Cụm trưởng đang thẩm định" not in page
    assert "do cán bộ Liên đoàn Lao động tỉnh Bình Thuận thẩm định" in page


def test_large_figures_keep_their_thousands_separators_once_saved(client, bt1):  # noqa: F811
    w = bt1
    result = result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)
    indicator = next(i for i in w.table.indicators if i.kind == "money")
    url = reverse("clusters:result_detail", args=["bt-1", 2024, "ldld-phu-quy"])
    client.force_login(w.phu_quy)
    response = client.post(
        url, {"version": result.version, f"actual_{indicator.pk}": "1.500.000", "reason": "x"}
    )
    assert response.status_code == 302
    assert result.indicator_values.get(indicator=indicator).actual == Decimal(1500000)
    page = client.get(url).content.decode()
    assert 'value="1.500.000"' in page
    # Saving the page again as shown changes nothing.
    result.refresh_from_db()
    client.post(
        url, {"version": result.version, f"actual_{indicator.pk}": "1.500.000", "reason": "y"}
    )
    assert result.indicator_values.get(indicator=indicator).actual == Decimal(1500000)


def test_save_and_add_rows_stays_on_the_conclusions(client, review):  # noqa: F811
    w = review
    client.force_login(w.head)
    url = reverse("clusters:meeting_step", args=["bt-1", 2024, w.meeting.pk, "conclusions"])
    data = {
        "c-TOTAL_FORMS": "3",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
        "c-0-text": "Tổ chức hoạt động về nguồn",
    }
    response = client.post(url, data | {"more": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/conclusions/")
    data["c-1-text"] = "Phát triển đoàn viên"
    data["c-INITIAL_FORMS"] = "1"  # the saved row comes back as an initial form
    response = client.post(url, data)
    assert response["Location"].endswith("/close/")
    assert w.meeting.conclusions.count() == 2
