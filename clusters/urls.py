from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.ClusterListView.as_view(), name="cluster_list"),
    path("<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("<slug:code>/<int:year>/", views.ClusterYearDetailView.as_view(), name="cluster_year"),
    path(
        "<slug:code>/<int:year>/head/", views.HeadWorkspaceView.as_view(), name="cluster_year_head"
    ),
    path("<slug:code>/<int:year>/roster/", views.roster_preview, name="roster_preview"),
    path("<slug:code>/<int:year>/roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("<slug:code>/<int:year>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
]
