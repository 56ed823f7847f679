from django.urls import path

from .views import organizations as views
from .views import programs as program_views

app_name = "structure"

urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path(
        "organizations/<slug:code>/",
        views.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path(
        "organizations/<slug:code>/edit/",
        views.OrganizationEditView.as_view(),
        name="organization_edit",
    ),
    path(
        "organizations/<slug:code>/rename/",
        views.OrganizationRenameView.as_view(),
        name="organization_rename",
    ),
    path(
        "organizations/<slug:code>/move/",
        views.OrganizationMoveView.as_view(),
        name="organization_move",
    ),
    path("clusters/new/", views.ClusterCreateView.as_view(), name="cluster_create"),
    path("clusters/<slug:code>/edit/", views.ClusterEditView.as_view(), name="cluster_edit"),
    path(
        "clusters/<slug:code>/years/new/",
        views.ClusterYearCreateView.as_view(),
        name="cluster_year_create",
    ),
    path(
        "clusters/<slug:code>/<int:year>/",
        views.ClusterYearManageView.as_view(),
        name="cluster_year_manage",
    ),
    path(
        "clusters/<slug:code>/<int:year>/members/add/",
        views.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path(
        "clusters/<slug:code>/<int:year>/members/<int:pk>/",
        views.MembershipEditView.as_view(),
        name="membership_edit",
    ),
    path("prepare/", views.PrepareNextYearView.as_view(), name="prepare_next_year"),
    path("restructure/", views.RestructureView.as_view(), name="restructure"),
    path("restructurings/", views.RestructuringListView.as_view(), name="restructuring_list"),
    path(
        "restructurings/<int:pk>/",
        views.RestructuringDetailView.as_view(),
        name="restructuring_detail",
    ),
    path("programs/", program_views.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", program_views.ProgramCreateView.as_view(), name="program_create"),
    path("programs/<int:pk>/", program_views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", program_views.ProgramEditView.as_view(), name="program_edit"),
    path(
        "programs/<int:pk>/table/", program_views.ProgramTableView.as_view(), name="program_table"
    ),
    path(
        "programs/<int:pk>/indicators/",
        program_views.ProgramIndicatorsView.as_view(),
        name="program_indicators",
    ),
    path(
        "programs/<int:pk>/rules/", program_views.ProgramRulesView.as_view(), name="program_rules"
    ),
]
