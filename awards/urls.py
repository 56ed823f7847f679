from django.urls import path

from .views import (
    achievement,
    advance,
    autocomplete,
    award_forms,
    exports,
    fairness,
    inbox,
    minutes,
    notifications,
    overview,
    proposals,
    register,
    summary,
    votes,
)

app_name = "awards"

year = "<slug:code>/<int:year>/"

urlpatterns = [
    path(
        "autocomplete/award-types/",
        autocomplete.AwardTypeAutocomplete.as_view(),
        name="award_type_autocomplete",
    ),
    # The award forms an organisation confers and its rules of a year: before the
    # cluster-year addresses, and "types" is a reserved cluster code.
    path("types/<slug:code>/", award_forms.award_forms, name="award_forms"),
    path(
        "types/<slug:code>/defaults/",
        award_forms.award_forms_defaults,
        name="award_forms_defaults",
    ),
    path("types/<slug:code>/copy/", award_forms.award_forms_copy, name="award_forms_copy"),
    # Downloads prepared in the background (an organiser's year, its overview, a cluster-year).
    path("exports/", exports.export_list, name="export_list"),
    path("exports/organizer/", exports.export_organizer_start, name="export_organizer_start"),
    path("exports/<uuid:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/download/", exports.export_download, name="export_download"),
    path(year + "documents/", exports.export_cluster_year_start, name="export_cluster_year_start"),
    path(year + "minutes/", minutes.minutes_preview, name="minutes_preview"),
    path(year + "minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path(year + "minutes.docx", minutes.minutes_docx, name="minutes_docx"),
    # The year-end summary report (báo cáo tổng kết).
    path(year + "summary/", summary.summary_preview, name="summary_preview"),
    path(year + "summary.pdf", summary.summary_pdf, name="summary_pdf"),
    path(year + "summary.docx", summary.summary_docx, name="summary_docx"),
    # A nominee's achievement report (báo cáo thành tích).
    path(
        year + "achievement/<slug:org_code>/",
        achievement.achievement_preview,
        name="achievement_preview",
    ),
    path(
        year + "achievement/<slug:org_code>.pdf",
        achievement.achievement_pdf,
        name="achievement_pdf",
    ),
    path(
        year + "achievement/<slug:org_code>.docx",
        achievement.achievement_docx,
        name="achievement_docx",
    ),
    path(year + "nominations/", votes.nomination_list, name="nomination_list"),
    path(
        year + "nominations/<int:pk>/withdraw/",
        votes.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(year + "meetings/<int:pk>/vote/", votes.meeting_vote, name="meeting_vote"),
    path(
        year + "meetings/<int:pk>/nominations/",
        votes.meeting_nominations,
        name="meeting_nominations",
    ),
    path(
        year + "meetings/<int:pk>/handover/",
        advance.meeting_handover,
        name="meeting_handover",
    ),
    # Awards the body above decided before the review meeting.
    path(year + "advance-decisions/", advance.advance_decision, name="advance_decision"),
    path(year + "votes/<int:pk>/", votes.vote_record, name="vote_record"),
    path(year + "votes/<int:pk>/next-round/", votes.vote_next_round, name="vote_next_round"),
    # The cluster's proposal (tờ trình) and its submission.
    path(year + "proposal/", proposals.proposal, name="proposal"),
    path(year + "proposal/submit/", proposals.proposal_submit, name="proposal_submit"),
    path(year + "proposal/preview/", proposals.proposal_preview, name="proposal_preview"),
    path(year + "proposal.pdf", proposals.proposal_pdf, name="proposal_pdf"),
    path(year + "proposal.docx", proposals.proposal_docx, name="proposal_docx"),
    path(
        year + "nominations/<int:pk>/resubmit/",
        proposals.nomination_resubmit,
        name="nomination_resubmit",
    ),
    # The organiser's staff: the inbox and each dossier.
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", inbox.inbox_bulk, name="inbox_bulk"),
    path("dossiers/<int:pk>/", inbox.dossier, name="dossier"),
    path("dossiers/<int:pk>/act/", inbox.nomination_act, name="nomination_act"),
    # Decisions, the register, the honour roll, the fairness view.
    path("decisions/", register.decision_list, name="decision_list"),
    path("decisions/new/", register.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", register.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/scan/", register.decision_scan, name="decision_scan"),
    path("register/", register.register, name="register"),
    path("register/<int:pk>/revoke/", register.award_revoke, name="award_revoke"),
    path(
        "honour/<slug:organizer>/<int:year>/",
        register.honour_roll,
        name="honour_roll",
    ),
    path(
        "honour/<slug:organizer>/<int:year>/publish/",
        register.honour_roll_publish,
        name="honour_roll_publish",
    ),
    path("fairness/", fairness.fairness, name="fairness"),
    # The organiser's overview of a year.
    path("overview/", overview.overview, name="overview"),
    # Notifications.
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
]
