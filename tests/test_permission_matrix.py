"""Every URL of the application, every persona: the expected answer.

The matrix is checked against the URLconf: a URL pattern without an entry fails the suite.
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clusters.models import Evidence, Meeting, Restructuring
from clusters.services import create_default_program, result_for

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "unit_officer",
    "deputy_officer",
    "head_officer",
    "viewer",
    "staff",
    "admin",
]
LOGIN = "login"  # a redirect to the login page


def everyone(status, anonymous=LOGIN):
    return {p: status for p in PERSONAS} | {"anonymous": anonymous}


def cluster_kwargs(world):
    return {"code": world.cluster.code}


def year_kwargs(world):
    return {"code": world.cluster.code, "year": world.year}


def org_kwargs(code):
    return lambda world: {"code": code}


def membership_kwargs(world):
    membership = world.cluster_year.memberships.get(organization=world.member_unit)
    return year_kwargs(world) | {"pk": membership.pk}


def officer_kwargs(world):
    """The unit officer's role at member-unit, whose officers the province's staff keep."""
    from clusters.models import Officer

    officer = Officer.objects.get(user=world.users["unit_officer"], organization=world.member_unit)
    return {"code": "member-unit", "pk": officer.pk}


def restructuring_kwargs(world):
    # A restructuring that ended the grassroots union below member_unit.
    record = Restructuring.objects.create(decision="Quyết định số 1/QĐ", last_day=date(2020, 1, 1))
    record.ended.set([world.grassroots])
    return {"pk": record.pk}


def program_kwargs(world):
    create_default_program(organizer=world.province, year=world.year)
    return year_kwargs(world)


def results_kwargs(world):
    """The member unit's result in the current year, under the default programme."""
    program_kwargs(world)
    result_for(world.cluster_year, world.member_unit, by=None)
    return year_kwargs(world) | {"org_code": world.member_unit.code}


def totals_program_kwargs(world):
    """The province's programme of the current year, totals only (a year from paper)."""
    program = create_default_program(organizer=world.province, year=world.year)
    program.totals_only = True
    program.save()
    return year_kwargs(world)


def handover_kwargs(world):
    """The review running, with a form of the province to hand over (nothing decided yet: the
    head's post is answered by a message)."""
    from awards.models import AwardKind, AwardType

    award = AwardType.objects.create(
        organizer=world.province, name="Bằng khen", kind=AwardKind.CERTIFICATE
    )
    return meeting_kwargs(world) | {"_query": {"award_type": award.pk}}


def action_kwargs(action):
    return lambda world: results_kwargs(world) | {"action": action}


def evidence_kwargs(world):
    kwargs = results_kwargs(world)
    result = world.cluster_year.results.get(organization=world.member_unit)
    item = Evidence(result=result, description="Báo cáo")
    item.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    item.save()
    return kwargs | {"pk": item.pk}


def programme_pk_kwargs(world):
    """The province's programme of the current year, by its id."""
    return {"pk": create_default_program(organizer=world.province, year=world.year).pk}


def meeting_kwargs(world):
    """The year-end review of the current year, prepared by the head."""
    from clusters.services.meetings import create_review

    meeting = create_review(
        world.cluster_year, by=None, held_on=date(world.year, 12, 14), place="Hội trường"
    )
    return year_kwargs(world) | {"pk": meeting.pk}


def minutes_kwargs(world):
    meeting_kwargs(world)
    return year_kwargs(world)


def meeting_step_kwargs(step):
    return lambda world: meeting_kwargs(world) | {"step": step}


def vote_kwargs(world):
    """An open round of the vote: every member present, one award form of the province."""
    from awards.models import AwardKind, AwardType, VoteMode
    from awards.services.votes import start_vote
    from clusters.models import Meeting
    from clusters.services.meetings import save_attendance

    kwargs = meeting_kwargs(world)
    meeting = Meeting.objects.get(pk=kwargs["pk"])
    save_attendance(
        meeting,
        {a.organization_id: {"present": True} for a in meeting.attendances.all()},
        by=None,
    )
    award = AwardType.objects.create(
        organizer=world.province, name="Bằng khen", kind=AwardKind.CERTIFICATE
    )
    vote = start_vote(
        meeting, award_type=award, mode=VoteMode.OPEN, candidates=[world.member_unit], by=None
    )
    return year_kwargs(world) | {"pk": vote.pk}


def nomination_kwargs(world):
    from awards.models import AwardKind, AwardType
    from awards.services.votes import nominate

    award = AwardType.objects.create(
        organizer=world.province, name="Bằng khen", kind=AwardKind.CERTIFICATE
    )
    nomination = nominate(
        world.cluster_year, organization=world.member_unit, award_type=award, by=None
    )
    return year_kwargs(world) | {"pk": nomination.pk}


def proposal_kwargs(world):
    nomination_kwargs(world)
    return year_kwargs(world)


def submitted_kwargs(world):
    """A nomination of the year submitted to the province: a dossier in the staff's inbox."""
    from awards.models import Nomination

    pk = nomination_kwargs(world)["pk"]
    Nomination.objects.filter(pk=pk).update(status="submitted")
    return {"pk": pk}


def decision_kwargs(world):
    """A decision of the province, with its scan, granting the member unit's nomination."""
    from awards.models import Award, Decision, Nomination

    pk = nomination_kwargs(world)["pk"]
    Nomination.objects.filter(pk=pk).update(status="awarded")
    nomination = Nomination.objects.get(pk=pk)
    decision = Decision(
        organizer=world.province,
        year=world.year,
        number="125/QĐ-LĐLĐ",
        signed_on=date(world.year, 12, 30),
        signer="Nguyễn Văn A",
    )
    decision.scan.save("qd.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    decision.save()
    award = Award.objects.create(
        decision=decision,
        nomination=nomination,
        organization=nomination.organization,
        award_type=nomination.award_type,
        cluster_year=nomination.cluster_year,
        year=world.year,
    )
    return {"pk": decision.pk, "award": award.pk}


def award_kwargs(world):
    return {"pk": decision_kwargs(world)["award"]}


def decision_pk_kwargs(world):
    return {"pk": decision_kwargs(world)["pk"]}


def honour_kwargs(world):
    return {"organizer": world.province.code, "year": world.year}


def notification_kwargs(world):
    from awards.models import Notification

    notification = Notification.objects.create(user=world.users["staff"], text="x", url="/")
    return {"pk": notification.pk}


def closed_review_kwargs(world):
    """The year's review held and closed: the summary report can be printed."""
    from clusters.services.meetings import (
        adopt_summary,
        close_meeting,
        elect,
        save_attendance,
    )

    meeting = Meeting.objects.get(pk=meeting_kwargs(world)["pk"])
    save_attendance(
        meeting,
        {a.organization_id: {"present": True} for a in meeting.attendances.all()},
        by=None,
    )
    adopt_summary(
        meeting, achievements="Hoàn thành.", limitations="", directions="Tiếp tục.", by=None
    )
    elect(meeting, head=world.deputy_unit, deputy=world.member_unit, handover_on=None, by=None)
    close_meeting(meeting, by=None)
    return year_kwargs(world)


def achievement_kwargs(world):
    """The member unit's result, verified: its achievement report can be printed."""
    from clusters.models import EmulationProgram
    from clusters.services import verify_result
    from clusters.services.scoring import load_table
    from emulation.demo.binh_thuan import BT1_2024
    from emulation.demo.results import score_demo_result

    kwargs = results_kwargs(world)
    result = world.cluster_year.results.get(organization=world.member_unit)
    table = load_table(EmulationProgram.objects.get(organizer=world.province, year=world.year))
    result = score_demo_result(result, table, BT1_2024["ldld-tuy-phong"], 0, by=None)
    verify_result(result, by=world.users["staff"])
    return kwargs


def export_kwargs(world):
    """A finished export of the year's clusters, asked for by the province's staff."""
    from django.conf import settings

    from awards.models import Export, ExportKind, ExportStatus

    export = Export.objects.create(
        kind=ExportKind.YEAR,
        organizer=world.province,
        year=world.year,
        requested_by=world.users["staff"],
        status=ExportStatus.DONE,
        parts_total=2,
        parts_done=2,
    )
    path = settings.MEDIA_ROOT / "exports" / str(export.pk) / "province.zip"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    export.file = f"exports/{export.pk}/province.zip"
    export.save()
    return {"pk": export.pk}


def overview_kwargs(world):
    return {"_query": {"organizer": world.province.code, "year": world.year}}


def pact_kwargs(world):
    """The pact of the current year, with a target of the member unit under the province's
    programme."""
    from clusters.models import Pact, PactTarget

    program = create_default_program(organizer=world.province, year=world.year)
    pact = Pact.objects.create(cluster_year=world.cluster_year, signed_on=date(world.year, 1, 15))
    PactTarget.objects.create(
        pact=pact,
        organization=world.member_unit,
        indicator=program.indicators.filter(has_target=True).first(),
        target=1200,
    )
    return year_kwargs(world)


def briefing_kwargs(world):
    """A briefing of the province's cluster heads this year, with one conclusion."""
    from clusters.models import Conclusion, Meeting

    meeting = Meeting.objects.create(
        kind="briefing",
        organizer=world.province,
        year=world.year,
        held_on=date(world.year, 3, 27),
        place="Hội trường",
    )
    Conclusion.objects.create(meeting=meeting, number=1, text="Tổ chức hoạt động về nguồn")
    return {"pk": meeting.pk}


def followup_kwargs(world):
    return briefing_kwargs(world) | {"code": world.cluster.code}


READ_YEAR = everyone(200) | {"outsider": 404}
# The head's rights over the year: the head unit's officers and the organiser's staff.
HEAD = everyone(403) | {"outsider": 404, "head_officer": 200, "staff": 200, "admin": 200}
HEAD_POST = {p: 302 if v == 200 else v for p, v in HEAD.items()} | {"anonymous": LOGIN}
# Every member's scores: not a plain member while the year is open (the programme's default).
ALL_RESULTS = READ_YEAR | {"unit_officer": 403}
# The member unit's own result: its officers and everyone who sees all results.
OWN_RESULT = READ_YEAR
# Entering the member unit's self-assessment: its officers (draft) and the head's side.
ENTER_SELF = everyone(403) | {
    "anonymous": LOGIN,
    "outsider": 404,
    "unit_officer": 302,
    "head_officer": 302,
    "staff": 302,
    "admin": 302,
}
# Federation staff's pages: everyone who keeps part of the structure (a write officer), not a
# viewer.
KEEPERS = everyone(200) | {"viewer": 403}
# The structure of the province's cluster: its staff; readers of the cluster get 403.
PROVINCE_STAFF = everyone(403) | {"outsider": 404, "staff": 200, "admin": 200}
PROVINCE_STAFF_POST = everyone(403) | {"outsider": 404, "staff": 302, "admin": 302}
# Staff-only pages of those who keep an organiser's clusters.
CLUSTER_KEEPERS = everyone(403) | {"unit_officer": 200, "staff": 200, "admin": 200}
OVERVIEW = everyone(403) | {"unit_officer": 404, "staff": 200, "admin": 200}
AWARD_FORMS = PROVINCE_STAFF | {"head_officer": 200, "viewer": 200}
AWARD_FORMS_POST = PROVINCE_STAFF_POST | {"anonymous": LOGIN}

# url name: (method, kwargs builder, {persona: expected status or LOGIN})
MATRIX = {
    "dashboard": ("get", None, everyone(200)),
    "account_profile": ("get", None, everyone(200)),
    "password_change": ("get", None, everyone(200)),
    "password_reset": ("get", None, everyone(200, anonymous=200)),
    "password_reset_done": ("get", None, everyone(200, anonymous=200)),
    "password_reset_confirm": (
        "get",
        lambda world: {"uidb64": "MQ", "token": "not-a-token"},
        everyone(200, anonymous=200),
    ),
    "password_reset_complete": ("get", None, everyone(200, anonymous=200)),
    "login": ("get", None, everyone(200, anonymous=200)),
    "logout": ("post", None, everyone(302, anonymous=302)),
    "set_language": ("post", None, everyone(302, anonymous=302)),
    "clusters:cluster_list": ("get", None, everyone(200)),
    "clusters:cluster_detail": ("get", cluster_kwargs, everyone(302) | {"outsider": 404}),
    "clusters:cluster_year": ("get", year_kwargs, READ_YEAR),
    "clusters:cluster_year_head": (
        "get",
        year_kwargs,
        everyone(403) | {"outsider": 404, "head_officer": 200, "staff": 200, "admin": 200},
    ),
    "clusters:roster_preview": ("get", year_kwargs, READ_YEAR),
    "clusters:roster_pdf": ("get", year_kwargs, READ_YEAR),
    "clusters:roster_xlsx": ("get", year_kwargs, READ_YEAR),
    "clusters:results": ("get", year_kwargs, READ_YEAR),
    "clusters:results_verify_all": ("post", program_kwargs, HEAD_POST),
    # A unit's classification straight from the grid (none posted: back to the grid).
    "clusters:results_classify": (
        "post",
        lambda world: program_kwargs(world) | {"_query": {"unit": world.member_unit.code}},
        HEAD_POST,
    ),
    "clusters:results_lock": ("get", year_kwargs, HEAD),
    "clusters:results_preview": ("get", program_kwargs, ALL_RESULTS),
    "clusters:results_pdf": ("get", program_kwargs, ALL_RESULTS),
    "clusters:results_xlsx": ("get", program_kwargs, ALL_RESULTS),
    "clusters:results_template": ("get", program_kwargs, HEAD),
    "clusters:results_import": ("get", program_kwargs, HEAD),
    # A year from paper: the totals typed in one grid (404 for a programme with a table).
    "clusters:results_typed": ("get", totals_program_kwargs, HEAD),
    # The cluster's own figures: read by the year's readers, edited by the head and staff.
    "clusters:cluster_figures": ("get", program_kwargs, READ_YEAR),
    "clusters:recorded_afterwards": ("post", year_kwargs, PROVINCE_STAFF_POST),
    "clusters:result_detail": ("get", results_kwargs, OWN_RESULT),
    "clusters:result_totals": ("post", results_kwargs, OWN_RESULT),
    "clusters:result_action": ("post", action_kwargs("verify"), HEAD_POST),
    "clusters:evidence_add": ("post", results_kwargs, ENTER_SELF),
    "clusters:evidence_file": ("get", evidence_kwargs, OWN_RESULT),
    "clusters:evidence_delete": ("post", evidence_kwargs, ENTER_SELF),
    "clusters:meeting_list": ("get", year_kwargs, READ_YEAR),
    "clusters:meeting_create": ("get", year_kwargs, HEAD),
    "clusters:meeting_detail": ("get", meeting_kwargs, READ_YEAR),
    "clusters:meeting_edit": ("get", meeting_kwargs, HEAD),
    "clusters:meeting_step": ("get", meeting_step_kwargs("attendance"), HEAD),
    "awards:nomination_list": ("get", year_kwargs, READ_YEAR),
    # The minutes of a meeting still running: a draft for the head's side, the deputy and the
    # organiser's readers; the member units read them once the meeting is closed.
    "awards:minutes_preview": ("get", minutes_kwargs, READ_YEAR | {"unit_officer": 403}),
    "awards:minutes_pdf": ("get", minutes_kwargs, READ_YEAR | {"unit_officer": 403}),
    "awards:nomination_withdraw": ("post", nomination_kwargs, HEAD_POST),
    "awards:meeting_vote": ("get", meeting_kwargs, HEAD),
    "awards:meeting_nominations": ("get", meeting_kwargs, HEAD),
    "awards:vote_record": ("get", vote_kwargs, HEAD),
    "awards:meeting_handover": ("post", handover_kwargs, HEAD_POST),
    # Decisions of the body above taken before the review: the organiser's staff.
    "awards:advance_decision": ("get", year_kwargs, PROVINCE_STAFF),
    "awards:vote_next_round": ("post", vote_kwargs, HEAD_POST),
    "clusters:pact_detail": ("get", pact_kwargs, READ_YEAR),
    "clusters:pact_edit": ("get", pact_kwargs, HEAD),
    "clusters:pact_targets": ("get", pact_kwargs, HEAD),
    "clusters:pact_preview": ("get", pact_kwargs, READ_YEAR),
    "clusters:pact_pdf": ("get", pact_kwargs, READ_YEAR),
    # Briefings of the province's cluster heads: held by its staff, read by everyone who reads
    # the province, each cluster's follow-up updated by its own head (and the staff).
    "clusters:briefing_list": ("get", None, everyone(200)),
    # A new briefing: for those who keep clusters (the member unit organises the district's).
    "clusters:briefing_create": (
        "get",
        None,
        everyone(403) | {"anonymous": LOGIN, "unit_officer": 200, "staff": 200, "admin": 200},
    ),
    "clusters:briefing_detail": ("get", briefing_kwargs, READ_YEAR),
    "clusters:briefing_edit": ("get", briefing_kwargs, PROVINCE_STAFF),
    "clusters:briefing_conclusions": ("get", briefing_kwargs, PROVINCE_STAFF),
    "clusters:followup_edit": ("get", followup_kwargs, HEAD),
    "clusters:briefing_preview": ("get", briefing_kwargs, READ_YEAR),
    "clusters:briefing_pdf": ("get", briefing_kwargs, READ_YEAR),
    "structure:index": ("get", None, everyone(302)),
    # The pickers' answers: a search within what the user reads (an outsider finds nothing),
    # the candidates and members of a year for those who manage it.
    "structure:organization_autocomplete": (
        "get",
        lambda world: {"scope": "readable"},
        everyone(200),
    ),
    "structure:cluster_autocomplete": ("get", lambda world: {"scope": "readable"}, everyone(200)),
    "structure:member_autocomplete": ("get", year_kwargs, PROVINCE_STAFF),
    "structure:candidate_autocomplete": ("get", year_kwargs, PROVINCE_STAFF),
    "awards:award_type_autocomplete": ("get", None, everyone(200)),
    "structure:organization_list": ("get", None, everyone(200)),
    "structure:organization_create": ("get", None, KEEPERS),
    # The province: its staff and viewer, the units below (they read what is above them).
    "structure:organization_detail": (
        "get",
        org_kwargs("province"),
        everyone(200) | {"outsider": 404},
    ),
    # A district: kept by the province's staff; its own officers and its cluster-mates read it.
    "structure:organization_edit": ("get", org_kwargs("head-unit"), PROVINCE_STAFF),
    "structure:organization_rename": ("get", org_kwargs("head-unit"), PROVINCE_STAFF),
    "structure:organization_move": ("get", org_kwargs("head-unit"), PROVINCE_STAFF),
    "structure:cluster_create": ("get", None, KEEPERS),
    "structure:cluster_edit": ("get", cluster_kwargs, PROVINCE_STAFF),
    "structure:cluster_year_create": ("get", cluster_kwargs, PROVINCE_STAFF),
    "structure:cluster_year_manage": ("get", year_kwargs, PROVINCE_STAFF),
    # A GET only leads back to the year's page; its POST is checked in the structure tests.
    "structure:membership_add": ("get", year_kwargs, PROVINCE_STAFF | {"staff": 302, "admin": 302}),
    "structure:membership_edit": ("get", membership_kwargs, PROVINCE_STAFF),
    "structure:membership_batch": ("get", year_kwargs, PROVINCE_STAFF),
    "structure:prepare_next_year": ("get", None, KEEPERS),
    "structure:structure_import": ("get", None, KEEPERS),
    "structure:structure_export": ("get", None, KEEPERS),
    "structure:officer_import": ("get", None, KEEPERS),
    "structure:officer_template": ("get", None, KEEPERS),
    # An organisation's officers: its keepers; its other readers 403, everyone else 404.
    "structure:officer_list": ("get", org_kwargs("member-unit"), PROVINCE_STAFF),
    "structure:officer_create": ("get", org_kwargs("member-unit"), PROVINCE_STAFF),
    "structure:officer_add_role": ("get", org_kwargs("member-unit"), PROVINCE_STAFF),
    "structure:officer_logins": ("get", org_kwargs("member-unit"), PROVINCE_STAFF),
    "structure:officer_end": ("get", officer_kwargs, PROVINCE_STAFF),
    "structure:officer_password": ("get", officer_kwargs, PROVINCE_STAFF),
    "structure:officer_active": ("get", officer_kwargs, PROVINCE_STAFF),
    "structure:restructure": ("get", None, KEEPERS),
    "structure:restructuring_list": ("get", None, everyone(200)),
    # Read where the ended unit is read: below member_unit, in the district cluster.
    "structure:restructuring_detail": (
        "get",
        restructuring_kwargs,
        everyone(404)
        | {"anonymous": LOGIN, "unit_officer": 200, "staff": 200, "viewer": 200, "admin": 200},
    ),
    # The emulation programmes: kept by the organiser's staff; the province's programme of the
    # year is read by its viewer and by the units of its cluster, scored against it.
    "structure:program_list": ("get", None, KEEPERS),
    "structure:program_create": ("get", None, KEEPERS),
    "structure:program_detail": ("get", programme_pk_kwargs, everyone(200) | {"outsider": 404}),
    "structure:program_edit": ("get", programme_pk_kwargs, PROVINCE_STAFF),
    "structure:program_table": ("get", programme_pk_kwargs, PROVINCE_STAFF),
    "structure:program_indicators": ("get", programme_pk_kwargs, PROVINCE_STAFF),
    "structure:program_rules": ("get", programme_pk_kwargs, PROVINCE_STAFF),
    # The proposal: read by the year's readers, submitted and answered by the head.
    "awards:proposal": ("get", year_kwargs, READ_YEAR),
    "awards:proposal_submit": ("post", year_kwargs, HEAD_POST),
    # The submission prints every nominee's scores: members read it once the programme lets
    # them see the others' scores (by default after the review).
    "awards:proposal_preview": ("get", proposal_kwargs, ALL_RESULTS),
    "awards:proposal_pdf": ("get", proposal_kwargs, ALL_RESULTS),
    "awards:nomination_resubmit": ("post", nomination_kwargs, HEAD_POST),
    # The organiser's staff: the inbox of the clusters they keep (the unit officer's unit
    # organises a district cluster), the dossiers of the province's clusters.
    "awards:inbox": ("get", None, CLUSTER_KEEPERS),
    "awards:inbox_bulk": (
        "post",
        None,
        {p: 302 if v == 200 else v for p, v in CLUSTER_KEEPERS.items()},
    ),
    "awards:dossier": ("get", submitted_kwargs, PROVINCE_STAFF),
    "awards:nomination_act": ("post", submitted_kwargs, PROVINCE_STAFF_POST),
    # Decisions: listed for the structure's keepers, read and revoked by the province's staff.
    "awards:decision_list": ("get", None, CLUSTER_KEEPERS),
    # Decisions are recorded by the staff of the organisation conferring the forms.
    "awards:decision_create": ("get", None, CLUSTER_KEEPERS),
    "awards:decision_detail": (
        "get",
        decision_pk_kwargs,
        everyone(404) | {"staff": 200, "admin": 200},
    ),
    "awards:decision_scan": (
        "get",
        decision_pk_kwargs,
        everyone(404) | {"staff": 200, "admin": 200},
    ),
    "awards:register": ("get", None, everyone(200)),
    "awards:award_revoke": ("post", award_kwargs, PROVINCE_STAFF_POST),
    # The honour roll, not published yet: its staff only (published: anyone, see the tests).
    "awards:honour_roll": (
        "get",
        honour_kwargs,
        everyone(404, anonymous=404) | {"staff": 200, "admin": 200},
    ),
    "awards:honour_roll_publish": (
        "post",
        honour_kwargs,
        everyone(403) | {"staff": 302, "admin": 302},
    ),
    "awards:fairness": ("get", None, CLUSTER_KEEPERS),
    # Documents in Word, the summary report, the achievement report: like their PDF twins.
    "awards:minutes_docx": ("get", minutes_kwargs, READ_YEAR | {"unit_officer": 403}),
    "awards:proposal_docx": ("get", proposal_kwargs, ALL_RESULTS),
    "clusters:pact_docx": ("get", pact_kwargs, READ_YEAR),
    "awards:summary_preview": ("get", closed_review_kwargs, READ_YEAR),
    "awards:summary_pdf": ("get", closed_review_kwargs, READ_YEAR),
    "awards:summary_docx": ("get", closed_review_kwargs, READ_YEAR),
    "awards:achievement_preview": ("get", achievement_kwargs, READ_YEAR),
    "awards:achievement_pdf": ("get", achievement_kwargs, READ_YEAR),
    "awards:achievement_docx": ("get", achievement_kwargs, READ_YEAR),
    # The organiser's overview: the staff who keep its clusters (the unit officer keeps only
    # its district's cluster, not the province's).
    "awards:overview": ("get", overview_kwargs, OVERVIEW),
    # Downloads prepared in the background: the overview's and the year's for the same staff,
    # a cluster-year's for its readers; each export is its requester's only (the staff's here).
    "awards:export_organizer_start": (
        "post",
        lambda world: {"_query": overview_kwargs(world)["_query"] | {"kind": "year"}},
        {p: 302 if v == 200 else v for p, v in OVERVIEW.items()},
    ),
    "awards:export_cluster_year_start": (
        "post",
        year_kwargs,
        everyone(302) | {"outsider": 404},
    ),
    "awards:export_list": ("get", None, everyone(200)),
    "awards:export_detail": ("get", export_kwargs, everyone(404) | {"staff": 200}),
    "awards:export_download": ("get", export_kwargs, everyone(404) | {"staff": 200}),
    # The province's award forms and rules: kept by its staff, read by its viewer and by the
    # head of its cluster; its other readers 403, outside it 404.
    "awards:award_forms": ("get", org_kwargs("province"), AWARD_FORMS),
    "awards:award_forms_defaults": ("post", org_kwargs("province"), AWARD_FORMS_POST),
    "awards:award_forms_copy": ("post", org_kwargs("province"), AWARD_FORMS_POST),
    # Notifications: each user's own.
    "awards:notifications": ("get", None, everyone(200)),
    "awards:notification_open": ("get", notification_kwargs, everyone(404) | {"staff": 302}),
    "awards:notifications_read_all": ("post", None, everyone(302)),
    # The Django admin is for the administrator only; every other user is sent to its login.
    "admin:*": ("get", None, everyone(302, anonymous=302) | {"admin": 200}),
}


def discover(resolver=None, namespace=""):
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:*")
                continue
            names |= discover(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {pattern.pattern}>"
            )
    return names


def test_every_url_has_an_entry_in_the_matrix():
    missing = discover() - set(MATRIX)
    assert not missing, f"URL patterns without a permission matrix entry: {sorted(missing)}"
    stale = set(MATRIX) - discover()
    assert not stale, f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, world, name, persona):
    method, kwargs, expected = MATRIX[name]
    kwargs = kwargs(world) if kwargs else {}
    query = kwargs.pop("_query", {})  # GET parameters of pages without path arguments
    url = reverse("admin:index" if name == "admin:*" else name, kwargs=kwargs or None)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    data = {"language": "vi", "next": "/"} if name == "set_language" else query
    response = getattr(client, method)(url, data)
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302, (name, persona, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == want, (name, persona, response.status_code)
