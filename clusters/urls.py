from django.urls import path

from . import result_views, views

app_name = "clusters"

year = "<slug:code>/<int:year>/"
result = year + "scores/<slug:org_code>/"

urlpatterns = [
    path("", views.ClusterListView.as_view(), name="cluster_list"),
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
