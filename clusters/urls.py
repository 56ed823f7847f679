from django.urls import path

from .views import briefings, clusters, figures, meetings, pacts, results, roster

app_name = "clusters"

year = "<slug:code>/<int:year>/"
result = year + "scores/<slug:org_code>/"

urlpatterns = [
    path("", clusters.ClusterListView.as_view(), name="cluster_list"),
    # Briefings of an organiser's cluster heads: before "<slug:code>/", and "briefings" is a
    # reserved cluster code (clusters.forms.cluster_setup.RESERVED_CODES).
    path("briefings/", briefings.BriefingListView.as_view(), name="briefing_list"),
    path("briefings/new/", briefings.BriefingCreateView.as_view(), name="briefing_create"),
    path(
        "briefings/<int:pk>/",
        briefings.BriefingDetailView.as_view(),
        name="briefing_detail",
    ),
    path("briefings/<int:pk>/edit/", briefings.BriefingEditView.as_view(), name="briefing_edit"),
    path(
        "briefings/<int:pk>/conclusions/",
        briefings.BriefingConclusionsView.as_view(),
        name="briefing_conclusions",
    ),
    path(
        "briefings/<int:pk>/follow-up/<slug:code>/",
        briefings.FollowUpEditView.as_view(),
        name="followup_edit",
    ),
    path(
        "briefings/<int:pk>/conclusions/preview/",
        briefings.briefing_preview,
        name="briefing_preview",
    ),
    path("briefings/<int:pk>/conclusions.pdf", briefings.briefing_pdf, name="briefing_pdf"),
    path("<slug:code>/", clusters.cluster_detail, name="cluster_detail"),
    path(year, clusters.ClusterYearDetailView.as_view(), name="cluster_year"),
    path(year + "head/", clusters.HeadWorkspaceView.as_view(), name="cluster_year_head"),
    path(year + "roster/", roster.roster_preview, name="roster_preview"),
    path(year + "roster.pdf", roster.roster_pdf, name="roster_pdf"),
    path(year + "roster.xlsx", roster.roster_xlsx, name="roster_xlsx"),
    path(year + "results/", results.results, name="results"),
    path(year + "results/verify-all/", results.verify_all, name="results_verify_all"),
    path(year + "results/classify/", results.results_classify, name="results_classify"),
    path(year + "results/lock/", results.lock, name="results_lock"),
    path(year + "results/preview/", results.results_preview, name="results_preview"),
    path(year + "results.pdf", results.results_pdf, name="results_pdf"),
    path(year + "results.xlsx", results.results_xlsx, name="results_xlsx"),
    path(year + "results/template.xlsx", results.results_template, name="results_template"),
    path(year + "results/import/", results.results_import, name="results_import"),
    path(year + "results/typed/", results.results_typed, name="results_typed"),
    path(year + "figures/", figures.cluster_figures, name="cluster_figures"),
    path(
        year + "recorded-afterwards/",
        results.recorded_afterwards,
        name="recorded_afterwards",
    ),
    path(year + "pact/", pacts.pact_detail, name="pact_detail"),
    path(year + "pact/edit/", pacts.pact_edit, name="pact_edit"),
    path(year + "pact/targets/", pacts.pact_targets, name="pact_targets"),
    path(year + "pact/preview/", pacts.pact_preview, name="pact_preview"),
    path(year + "pact.pdf", pacts.pact_pdf, name="pact_pdf"),
    path(year + "pact.docx", pacts.pact_docx, name="pact_docx"),
    path(year + "meetings/", meetings.meeting_list, name="meeting_list"),
    path(year + "meetings/review/new/", meetings.meeting_create, name="meeting_create"),
    path(year + "meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path(year + "meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path(
        year + "meetings/<int:pk>/run/<slug:step>/",
        meetings.meeting_step,
        name="meeting_step",
    ),
    path(result, results.result_detail, name="result_detail"),
    path(result + "totals/", results.result_totals, name="result_totals"),
    path(result + "evidence/", results.evidence_add, name="evidence_add"),
    path(result + "evidence/<int:pk>/", results.evidence_file, name="evidence_file"),
    path(
        result + "evidence/<int:pk>/delete/",
        results.evidence_delete,
        name="evidence_delete",
    ),
    path(
        result + "<slug:action>/",
        results.result_action,
        name="result_action",
    ),
]
