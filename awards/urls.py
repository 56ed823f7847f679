from django.urls import path

from . import (
    achievement_views,
    document_views,
    inbox_views,
    notification_views,
    overview_views,
    proposal_views,
    register_views,
    summary_views,
    views,
)

app_name = "awards"

year = "<slug:code>/<int:year>/"

urlpatterns = [
    path(year + "minutes/", document_views.minutes_preview, name="minutes_preview"),
    path(year + "minutes.pdf", document_views.minutes_pdf, name="minutes_pdf"),
    path(year + "minutes.docx", document_views.minutes_docx, name="minutes_docx"),
    # The year-end summary report (báo cáo tổng kết).
    path(year + "summary/", summary_views.summary_preview, name="summary_preview"),
    path(year + "summary.pdf", summary_views.summary_pdf, name="summary_pdf"),
    path(year + "summary.docx", summary_views.summary_docx, name="summary_docx"),
    # A nominee's achievement report (báo cáo thành tích).
    path(
        year + "achievement/<slug:org_code>/",
        achievement_views.achievement_preview,
        name="achievement_preview",
    ),
    path(
        year + "achievement/<slug:org_code>.pdf",
        achievement_views.achievement_pdf,
        name="achievement_pdf",
    ),
    path(
        year + "achievement/<slug:org_code>.docx",
        achievement_views.achievement_docx,
        name="achievement_docx",
    ),
    path(year + "nominations/", views.nomination_list, name="nomination_list"),
    path(
        year + "nominations/<int:pk>/withdraw/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(year + "meetings/<int:pk>/vote/", views.meeting_vote, name="meeting_vote"),
    path(
        year + "meetings/<int:pk>/nominations/",
        views.meeting_nominations,
        name="meeting_nominations",
    ),
    path(year + "votes/<int:pk>/", views.vote_record, name="vote_record"),
    path(year + "votes/<int:pk>/next-round/", views.vote_next_round, name="vote_next_round"),
    # The cluster's proposal (tờ trình) and its submission.
    path(year + "proposal/", proposal_views.proposal, name="proposal"),
    path(year + "proposal/submit/", proposal_views.proposal_submit, name="proposal_submit"),
    path(year + "proposal/preview/", proposal_views.proposal_preview, name="proposal_preview"),
    path(year + "proposal.pdf", proposal_views.proposal_pdf, name="proposal_pdf"),
    path(year + "proposal.docx", proposal_views.proposal_docx, name="proposal_docx"),
    path(
        year + "nominations/<int:pk>/resubmit/",
        proposal_views.nomination_resubmit,
        name="nomination_resubmit",
    ),
    # The organiser's staff: the inbox and each dossier.
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/bulk/", inbox_views.inbox_bulk, name="inbox_bulk"),
    path("dossiers/<int:pk>/", inbox_views.dossier, name="dossier"),
    path("dossiers/<int:pk>/act/", inbox_views.nomination_act, name="nomination_act"),
    # Decisions, the register, the honour roll, the fairness view.
    path("decisions/", register_views.decision_list, name="decision_list"),
    path("decisions/new/", register_views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", register_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/scan/", register_views.decision_scan, name="decision_scan"),
    path("register/", register_views.register, name="register"),
    path("register/<int:pk>/revoke/", register_views.award_revoke, name="award_revoke"),
    path(
        "honour/<slug:organizer>/<int:year>/",
        register_views.honour_roll,
        name="honour_roll",
    ),
    path(
        "honour/<slug:organizer>/<int:year>/publish/",
        register_views.honour_roll_publish,
        name="honour_roll_publish",
    ),
    path("fairness/", register_views.fairness, name="fairness"),
    # The organiser's overview of a year.
    path("overview/", overview_views.overview, name="overview"),
    path("overview.pdf", overview_views.overview_pdf, name="overview_pdf"),
    path("overview.xlsx", overview_views.overview_xlsx, name="overview_xlsx"),
    # Notifications.
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
]
