"""The deadline reminders of `send_reminders`: who gets which, and each only once."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from awards.models import Nomination, Notification
from awards.services.approval import return_for_supplement, submit
from clusters.models import ClusterYearStatus
from clusters.services.results import result_for, submit_result
from tests.clusters.test_results import bt1, fill_all  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date


def run(day):
    out = StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def sent(day) -> int:
    return int(run(day).split()[0])


def test_members_are_reminded_of_the_self_assessment_deadline_once(bt1):  # noqa: F811
    w = bt1
    w.cluster_year.status = ClusterYearStatus.OPEN
    w.cluster_year.save()
    w.program.self_assessment_deadline = D(2024, 11, 30)
    w.program.save()
    result_for(w.cluster_year, w.units["ldld-phu-quy"], by=w.phu_quy)  # a draft
    assert sent(D(2024, 11, 1)) == 0  # a month ahead: nothing yet
    run(D(2024, 11, 25))
    texts = list(w.phu_quy.notifications.values_list("text", flat=True))
    assert len(texts) == 1 and "30/11/2024" in texts[0]
    assert w.tuy_phong.notifications.count() == 1
    assert sent(D(2024, 11, 26)) == 0  # the same reminder is not sent again
    run(D(2024, 11, 29))  # the day before: once more
    assert w.phu_quy.notifications.count() == 2


def test_the_head_is_reminded_of_the_proposal_and_of_returned_nominations(approval):
    w = approval
    run(D(2024, 12, 17))
    assert w.head.notifications.filter(key__startswith="proposal:").exists()
    submit(w.cluster_year, by=w.head)
    return_for_supplement(w.flag_nomination, by=w.staff, reason="Bổ sung báo cáo.")
    before = Notification.objects.filter(user=w.head).count()
    run(D(2024, 12, 18))
    reminders = w.head.notifications.filter(key__startswith="returned:")
    assert reminders.count() == 1 and "Bổ sung báo cáo." in reminders.get().text
    assert Notification.objects.filter(user=w.head).count() == before + 1
    assert sent(D(2024, 12, 19)) == 0  # once a week


def test_the_head_is_reminded_of_results_waiting_for_verification_once(bt1):  # noqa: F811
    w = bt1
    w.cluster_year.status = ClusterYearStatus.OPEN
    w.cluster_year.save()
    w.program.self_assessment_deadline = None  # only the verification's reminders here
    w.program.verification_deadline = D(2024, 12, 10)
    w.program.save()
    fill_all(w, verify=False)
    for code, officer in [("ldld-phu-quy", w.phu_quy), ("ldld-tuy-phong", w.tuy_phong)]:
        submit_result(w.cluster_year.results.get(organization=w.units[code]), by=officer)
    assert sent(D(2024, 11, 1)) == 0  # more than a week ahead: nothing yet
    assert sent(D(2024, 12, 5)) == 1
    reminder = w.head.notifications.get()
    assert reminder.key.startswith("verify:")
    assert "2 kết quả đang chờ thẩm định" in reminder.text and "10/12/2024" in reminder.text
    assert not w.phu_quy.notifications.exists()  # the members have done their part
    assert sent(D(2024, 12, 5)) == 0  # run twice: nothing new
    assert sent(D(2024, 12, 6)) == 0  # the same reminder is not sent again
    run(D(2024, 12, 9))  # the day before: once more
    assert w.head.notifications.count() == 2


def test_staff_are_reminded_once_of_nominations_waiting_more_than_14_days(approval):
    w = approval
    submit(w.cluster_year, by=w.head)
    submitted_on = timezone.make_aware(datetime.datetime(2024, 12, 17, 9, 0))
    Nomination.objects.filter(cluster_year=w.cluster_year).update(status_changed_at=submitted_on)

    def waiting():
        return list(w.staff.notifications.filter(key__startswith="pending:"))

    run(D(2024, 12, 30))  # 13 days
    assert waiting() == []
    run(D(2024, 12, 31))  # 14 days: not more than 14 yet
    assert waiting() == []
    run(D(2025, 1, 2))  # 16 days
    (reminder,) = waiting()
    assert "2 đề nghị đã chờ xét quá 14 ngày" in reminder.text
    assert not w.head.notifications.filter(key__startswith="pending:").exists()
    assert sent(D(2025, 1, 2)) == 0  # run twice: nothing new
    assert sent(D(2025, 1, 3)) == 0  # once a week
    assert len(waiting()) == 1
