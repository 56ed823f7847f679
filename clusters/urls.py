from django.urls import path

from . import briefing_views, meeting_views, pact_views, result_views, views

app_name = "clusters"

year = "<slug:code>/<int:year>/"
result = year + "scores/<slug:org_code>/"

urlpatterns = [
    path("", views.ClusterListView.as_view(), name="cluster_list"),
    # Briefings of an organiser's cluster heads: before "<slug:code>/", and "briefings" is a
    # reserved cluster code (clusters.forms.RESERVED_CODES).
    path("briefings/", briefing_views.BriefingListView.as_view(), name="briefing_list"),
    path("briefings/new/", briefing_views.BriefingCreateView.as_view(), name="briefing_create"),
    path(
        "briefings/<int:pk>/",
        briefing_views.BriefingDetailView.as_view(),
        name="briefing_detail",
    ),
    path(
        "briefings/<int:pk>/edit/", briefing_views.BriefingEditView.as_view(), name="briefing_edit"
    ),
    path(
        "briefings/<int:pk>/conclusions/",
        briefing_views.BriefingConclusionsView.as_view(),
        name="briefing_conclusions",
    ),
    path(
        "briefings/<int:pk>/follow-up/<slug:code>/",
        briefing_views.FollowUpEditView.as_view(),
        name="followup_edit",
    ),
    path(
        "briefings/<int:pk>/conclusions/preview/",
        briefing_views.briefing_preview,
        name="briefing_preview",
    ),
    path("briefings/<int:pk>/conclusions.pdf", briefing_views.briefing_pdf, name="briefing_pdf"),
    path("<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path(year, views.ClusterYearDetailView.as_view(), name="cluster_year"),
    path(year + "head/", views.HeadWorkspaceView.as_view(), name="cluster_year_head"),
    path(year + "roster/", views.roster_preview, name="roster_preview"),
    path(year + "roster.pdf", views.roster_pdf, name="roster_pdf"),
    path(year + "roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path(year + "results/", result_views.results, name="results"),
    path(year + "results/verify-all/", result_views.verify_all, name="results_verify_all"),
    path(year + "results/lock/", result_views.lock, name="results_lock"),
    path(year + "results/preview/", result_views.results_preview, name="results_preview"),
    path(year + "results.pdf", result_views.results_pdf, name="results_pdf"),
    path(year + "results.xlsx", result_views.results_xlsx, name="results_xlsx"),
    path(year + "results/template.xlsx", result_views.results_template, name="results_template"),
    path(year + "results/import/", result_views.results_import, name="results_import"),
    path(year + "pact/", pact_views.pact_detail, name="pact_detail"),
    path(year + "pact/edit/", pact_views.pact_edit, name="pact_edit"),
    path(year + "pact/targets/", pact_views.pact_targets, name="pact_targets"),
    path(year + "pact/preview/", pact_views.pact_preview, name="pact_preview"),
    path(year + "pact.pdf", pact_views.pact_pdf, name="pact_pdf"),
    path(year + "pact.docx", pact_views.pact_docx, name="pact_docx"),
    path(year + "meetings/", meeting_views.meeting_list, name="meeting_list"),
    path(year + "meetings/review/new/", meeting_views.meeting_create, name="meeting_create"),
    path(year + "meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path(year + "meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path(
        year + "meetings/<int:pk>/run/<slug:step>/",
        meeting_views.meeting_step,
        name="meeting_step",
    ),
    path(result, result_views.result_detail, name="result_detail"),
    path(result + "totals/", result_views.result_totals, name="result_totals"),
    path(result + "evidence/", result_views.evidence_add, name="evidence_add"),
    path(result + "evidence/<int:pk>/", result_views.evidence_file, name="evidence_file"),
    path(
        result + "evidence/<int:pk>/delete/",
        result_views.evidence_delete,
        name="evidence_delete",
    ),
    path(
        result + "<slug:action>/",
        result_views.result_action,
        name="result_action",
    ),
]
