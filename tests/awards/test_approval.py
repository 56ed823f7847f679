"""Every status transition of the approval, the allowed and the forbidden ones: submission,
return ⇄ resubmission, approval, rejection, downgrade, the organiser's quota at approval, the
decision, revocation, and acting outside one's organiser."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from awards.models import Award, AwardStatus, Decision, Nomination, NominationStatus, Proposal
from awards.services.approval import (
    act_on_many,
    approve,
    dossier_gaps,
    downgrade,
    record_decision,
    reject,
    resubmit,
    return_for_supplement,
    revoke,
    save_proposal,
    submit,
)
from clusters.models import ClusterYearStatus
from tests.factories import OfficerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

D = datetime.date
S = NominationStatus


def statuses(w):
    return {
        n.organization.code: n.status
        for n in Nomination.objects.filter(cluster_year=w.cluster_year).select_related(
            "organization"
        )
    }


@pytest.fixture
def submitted(approval):
    submit(approval.cluster_year, by=approval.head)
    approval.flag_nomination.refresh_from_db()
    approval.certificate_nomination.refresh_from_db()
    return approval


def decide(w, *nominations, number="125/QĐ-LĐLĐ", by=None):
    return record_decision(
        organizer=w.province,
        year=2024,
        number=number,
        signed_on=D(2025, 1, 20),
        signer="Trần Văn Bình",
        nominations=nominations,
        by=by or w.staff,
    )


# Submission ---------------------------------------------------------------------------------


def test_submission_moves_every_proposed_nomination_and_the_year(approval):
    w = approval
    proposal = submit(w.cluster_year, by=w.head)
    assert proposal.submitted_by == w.head and proposal.submitted_at
    assert set(statuses(w).values()) == {S.SUBMITTED}
    w.cluster_year.refresh_from_db()
    assert w.cluster_year.status == ClusterYearStatus.SUBMITTED
    record = w.flag_nomination.history.first()
    assert record.history_user == w.head and "05/TTr-CTĐ" in record.history_change_reason


def test_submitting_twice_is_refused(submitted):
    with pytest.raises(ValidationError, match="submitted already|đã được trình"):
        submit(submitted.cluster_year, by=submitted.head)


def test_an_incomplete_dossier_says_what_is_missing_and_saves_nothing(approval):
    w = approval
    save_proposal(w.cluster_year, by=w.head, number="", signer="")
    gaps = dossier_gaps(w.cluster_year)
    assert any("number" in g or "số" in g for g in gaps)
    assert any("signer" in g or "ký" in g for g in gaps)
    with pytest.raises(ValidationError):
        submit(w.cluster_year, by=w.head)
    assert set(statuses(w).values()) == {S.PROPOSED}
    assert Proposal.objects.get(cluster_year=w.cluster_year).status == "draft"


def test_only_the_head_submits(approval):
    w = approval
    with pytest.raises(PermissionDenied):
        submit(w.cluster_year, by=w.tuy_phong)
    with pytest.raises(PermissionDenied):
        save_proposal(w.cluster_year, by=w.phu_quy, number="1/TTr")


def test_a_submitted_proposal_no_longer_changes(submitted):
    with pytest.raises(ValidationError):
        save_proposal(submitted.cluster_year, by=submitted.head, number="06/TTr-CTĐ")


# Return ⇄ resubmission ----------------------------------------------------------------------


def test_return_and_resubmission_loop(submitted):
    w = submitted
    n = return_for_supplement(
        w.certificate_nomination, by=w.staff, reason="Bổ sung báo cáo thành tích."
    )
    assert n.status == S.RETURNED and n.staff_reason == "Bổ sung báo cáo thành tích."
    with pytest.raises(ValidationError):  # a returned nomination is not approved
        approve(n, by=w.staff)
    with pytest.raises(ValidationError):  # nothing said about the supplement
        resubmit(n, by=w.head, supplement="  ")
    n = resubmit(n, by=w.head, supplement="Đã bổ sung báo cáo.", justification="Hai năm liền.")
    assert n.status == S.RESUBMITTED and n.justification == "Hai năm liền."
    n = return_for_supplement(n, by=w.staff, reason="Thiếu số liệu đoàn viên.")
    n = resubmit(n, by=w.head, supplement="Đã bổ sung số liệu.")
    n = approve(n, by=w.staff)
    assert n.status == S.APPROVED
    reasons = [h.history_change_reason for h in n.history.order_by("history_date", "history_id")]
    assert "Bổ sung báo cáo thành tích." in reasons
    assert "Đã bổ sung số liệu." in reasons


def test_returning_needs_a_reason(submitted):
    with pytest.raises(ValidationError, match="reason|lý do"):
        return_for_supplement(submitted.flag_nomination, by=submitted.staff, reason="")
    submitted.flag_nomination.refresh_from_db()
    assert submitted.flag_nomination.status == S.SUBMITTED


def test_a_submitted_nomination_is_not_resubmitted(submitted):
    with pytest.raises(ValidationError):
        resubmit(submitted.flag_nomination, by=submitted.head, supplement="x")


def test_the_head_neither_returns_nor_approves(submitted):
    w = submitted
    with pytest.raises(PermissionDenied):
        approve(w.flag_nomination, by=w.head)
    with pytest.raises(PermissionDenied):
        return_for_supplement(w.flag_nomination, by=w.head, reason="x")


# Approve, reject, downgrade -----------------------------------------------------------------


def test_a_proposed_nomination_is_not_approved_before_submission(approval):
    with pytest.raises(ValidationError):
        approve(approval.flag_nomination, by=approval.staff)


def test_rejection_needs_a_reason_and_is_final(submitted):
    w = submitted
    with pytest.raises(ValidationError):
        reject(w.certificate_nomination, by=w.staff, reason=" ")
    n = reject(w.certificate_nomination, by=w.staff, reason="Không đủ điều kiện.")
    assert n.status == S.REJECTED
    for action in (approve, return_for_supplement):
        with pytest.raises(ValidationError):
            action(n, by=w.staff, reason="x")


def test_downgrade_to_a_lower_form_only(submitted):
    w = submitted
    with pytest.raises(ValidationError, match="lower|thấp"):
        downgrade(w.certificate_nomination, by=w.staff, award_type=w.flag, reason="x")
    with pytest.raises(ValidationError):
        downgrade(w.flag_nomination, by=w.staff, award_type=w.certificate, reason="")
    n = downgrade(w.flag_nomination, by=w.staff, award_type=w.certificate, reason="Hết chỉ tiêu.")
    assert n.status == S.DOWNGRADED and n.final_type == w.certificate
    with pytest.raises(ValidationError):  # decided on already
        approve(n, by=w.staff)


def test_the_organisers_quota_is_checked_at_approval(submitted):
    """One flag across the organiser's clusters (blocking): a second cluster's flag is
    refused once the first is approved."""
    w = submitted
    approve(w.flag_nomination, by=w.staff)
    other = Nomination.objects.create(
        cluster_year=w.cluster_year,
        organization=w.units["ldld-ham-thuan-bac"],
        award_type=w.flag,
        status=S.SUBMITTED,
    )
    with pytest.raises(ValidationError, match="at most 1|tối đa 1"):
        approve(other, by=w.staff)
    other.refresh_from_db()
    assert other.status == S.SUBMITTED
    # A warning-only rule lets it through and keeps the warning.
    w.flag.rules.update(blocking=False)
    approved = approve(other, by=w.staff)
    assert approved.status == S.APPROVED and "QĐ 999/QĐ-TLĐ" in approved.approval_warnings


def test_bulk_actions_are_all_or_nothing(submitted):
    w = submitted
    reject(w.certificate_nomination, by=w.staff, reason="Không đủ điều kiện.")
    with pytest.raises(ValidationError):
        act_on_many("approve", [w.flag_nomination, w.certificate_nomination], by=w.staff, reason="")
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == S.SUBMITTED
    done = act_on_many("approve", [w.flag_nomination], by=w.staff, reason="")
    assert [n.status for n in done] == [S.APPROVED]


# Outside one's organiser --------------------------------------------------------------------


def test_staff_of_another_province_cannot_act(submitted):
    w = submitted
    other = OrganizationFactory(code="st", name="Liên đoàn Lao động tỉnh Sóc Trăng")
    outsider = OfficerFactory(organization=other).user
    for action in (approve, reject, return_for_supplement):
        with pytest.raises(PermissionDenied):
            action(w.flag_nomination, by=outsider, reason="x")
    with pytest.raises(PermissionDenied):
        downgrade(w.flag_nomination, by=outsider, award_type=w.certificate, reason="x")
    approve(w.flag_nomination, by=w.staff)
    with pytest.raises(PermissionDenied):
        decide(w, w.flag_nomination, by=outsider)
    assert not Decision.objects.exists()


# Decision and register ----------------------------------------------------------------------


def test_the_decision_grants_the_approved_and_the_downgraded(submitted):
    w = submitted
    approve(w.flag_nomination, by=w.staff)
    downgrade(w.certificate_nomination, by=w.staff, award_type=w.giay_khen, reason="Hạ mức.")
    decision = decide(w, w.flag_nomination, w.certificate_nomination)
    awards = {a.organization.code: a.award_type for a in decision.awards.all()}
    assert awards == {"ldld-tuy-phong": w.flag, "ldld-tp-phan-thiet": w.giay_khen}
    assert set(statuses(w).values()) == {S.AWARDED}
    assert decision.history.first().history_user == w.staff


def test_deciding_twice_is_refused(submitted):
    w = submitted
    approve(w.flag_nomination, by=w.staff)
    decide(w, w.flag_nomination)
    with pytest.raises(ValidationError, match="decided already|đã được quyết định"):
        decide(w, w.flag_nomination, number="126/QĐ-LĐLĐ")
    approve(w.certificate_nomination, by=w.staff)
    with pytest.raises(ValidationError, match="recorded already|đã được ghi"):
        decide(w, w.certificate_nomination)
    assert Award.objects.count() == 1 and Decision.objects.count() == 1


def test_a_decision_needs_approved_nominations(submitted):
    w = submitted
    with pytest.raises(ValidationError):
        decide(w, w.flag_nomination)  # submitted, not approved
    with pytest.raises(ValidationError):
        decide(w)
    assert not Decision.objects.exists()


def test_revoking_needs_a_reason_and_a_decision_and_deletes_nothing(submitted):
    w = submitted
    approve(w.flag_nomination, by=w.staff)
    award = decide(w, w.flag_nomination).awards.get()
    with pytest.raises(ValidationError):
        revoke(award, by=w.staff, reason="", decision_reference="200/QĐ-LĐLĐ")
    with pytest.raises(ValidationError):
        revoke(award, by=w.staff, reason="Vi phạm.", decision_reference="")
    with pytest.raises(PermissionDenied):
        revoke(award, by=w.head, reason="Vi phạm.", decision_reference="200/QĐ-LĐLĐ")
    award = revoke(award, by=w.staff, reason="Vi phạm.", decision_reference="200/QĐ-LĐLĐ")
    award.refresh_from_db()
    assert award.status == AwardStatus.REVOKED and award.revoked_reason == "Vi phạm."
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == S.REVOKED
    with pytest.raises(ValidationError):
        revoke(award, by=w.staff, reason="Lại.", decision_reference="201/QĐ-LĐLĐ")
    assert Award.objects.filter(pk=award.pk).exists()


# Notifications ------------------------------------------------------------------------------


def test_notifications_reach_the_staff_and_the_head(approval, django_capture_on_commit_callbacks):
    w = approval
    w.staff.email = "staff@example.org"
    w.staff.save()
    w.head.email = "head@example.org"
    w.head.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(w.cluster_year, by=w.head)
    assert w.staff.notifications.filter(text__contains="05/TTr-CTĐ").exists()
    assert any("staff@example.org" in m.to for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_supplement(w.flag_nomination, by=w.staff, reason="Bổ sung số liệu.")
    assert w.head.notifications.filter(text__contains="Bổ sung số liệu.").exists()
    assert any("head@example.org" in m.to for m in mail.outbox)
    resubmit(w.flag_nomination, by=w.head, supplement="Đã bổ sung.")
    approve(w.flag_nomination, by=w.staff)
    decide(w, w.flag_nomination)
    assert w.head.notifications.filter(text__contains="125/QĐ-LĐLĐ").exists()
    assert not w.tuy_phong.notifications.exists()


def test_the_dashboards_show_the_proposal_and_the_notifications(client, approval):
    w = approval
    client.force_login(w.head)
    body = client.get("/").content.decode()
    assert "/awards/bt-1/2024/proposal/" in body
    submit(w.cluster_year, by=w.head)
    return_for_supplement(w.flag_nomination, by=w.staff, reason="Bổ sung số liệu đoàn viên.")
    client.force_login(w.staff)
    response = client.get("/")
    assert response.status_code == 200
    assert "05/TTr-CTĐ" in response.content.decode()  # the unread notification
    assert "/awards/inbox/?status=returned" in response.content.decode()
    client.force_login(w.head)
    body = client.get("/").content.decode()
    assert "Bổ sung số liệu đoàn viên." in body
    assert 'id="unread-count">1<' in body


def test_only_the_staff_of_the_conferring_organisation_decide(submitted):
    """A form conferred above the cluster's organiser (here the confederation's) is not
    decided by the organiser's staff."""
    from awards.models import AwardType

    w = submitted
    tld = OrganizationFactory(code="tld", name="Tổng Liên đoàn Lao động Việt Nam")
    tld_flag = AwardType.objects.create(
        organizer=tld, name="Cờ thi đua của Tổng Liên đoàn", kind="leading_flag", order=0
    )
    nomination = Nomination.objects.create(
        cluster_year=w.cluster_year,
        organization=w.units["ldld-phu-quy"],
        award_type=tld_flag,
        status=S.SUBMITTED,
    )
    with pytest.raises(PermissionDenied):
        approve(nomination, by=w.staff)
    with pytest.raises(PermissionDenied):
        reject(nomination, by=w.staff, reason="x")
    approve(w.flag_nomination, by=w.staff)
    with pytest.raises(PermissionDenied):
        record_decision(
            organizer=tld,
            year=2024,
            number="1/QĐ-TLĐ",
            signed_on=D(2025, 1, 20),
            signer="A",
            nominations=[w.flag_nomination],
            by=w.staff,
        )
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED


def test_a_downgrade_never_gives_a_unit_the_same_form_twice(submitted):
    w = submitted
    Nomination.objects.create(
        cluster_year=w.cluster_year,
        organization=w.units["ldld-tuy-phong"],
        award_type=w.certificate,
        status=S.SUBMITTED,
    )
    with pytest.raises(ValidationError, match="already proposed|đã được đề nghị"):
        downgrade(w.flag_nomination, by=w.staff, award_type=w.certificate, reason="Hạ mức.")
    w.flag_nomination.refresh_from_db()
    assert w.flag_nomination.status == S.SUBMITTED


def test_a_decision_number_of_the_same_day_is_refused_whatever_the_year(submitted):
    w = submitted
    approve(w.flag_nomination, by=w.staff)
    decide(w, w.flag_nomination)
    approve(w.certificate_nomination, by=w.staff)
    with pytest.raises(ValidationError, match="recorded already|đã được ghi nhận"):
        record_decision(
            organizer=w.province,
            year=2023,
            number="125/QĐ-LĐLĐ",
            signed_on=D(2025, 1, 20),
            signer="A",
            nominations=[w.certificate_nomination],
            by=w.staff,
        )
