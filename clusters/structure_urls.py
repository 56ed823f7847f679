from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from .views import cluster_setup, next_year, organizations, programs, restructuring

app_name = "structure"

urlpatterns = [
    # /structure/ itself: the organisations, where the structure screens start.
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="structure:organization_list")),
        name="index",
    ),
    path("organizations/", organizations.OrganizationListView.as_view(), name="organization_list"),
    path(
        "organizations/new/",
        organizations.OrganizationCreateView.as_view(),
        name="organization_create",
    ),
    path(
        "organizations/<slug:code>/",
        organizations.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path(
        "organizations/<slug:code>/edit/",
        organizations.OrganizationEditView.as_view(),
        name="organization_edit",
    ),
    path(
        "organizations/<slug:code>/rename/",
        organizations.OrganizationRenameView.as_view(),
        name="organization_rename",
    ),
    path(
        "organizations/<slug:code>/move/",
        organizations.OrganizationMoveView.as_view(),
        name="organization_move",
    ),
    path("clusters/new/", cluster_setup.ClusterCreateView.as_view(), name="cluster_create"),
    path(
        "clusters/<slug:code>/edit/", cluster_setup.ClusterEditView.as_view(), name="cluster_edit"
    ),
    path(
        "clusters/<slug:code>/years/new/",
        cluster_setup.ClusterYearCreateView.as_view(),
        name="cluster_year_create",
    ),
    path(
        "clusters/<slug:code>/<int:year>/",
        cluster_setup.ClusterYearManageView.as_view(),
        name="cluster_year_manage",
    ),
    path(
        "clusters/<slug:code>/<int:year>/members/add/",
        cluster_setup.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path(
        "clusters/<slug:code>/<int:year>/members/<int:pk>/",
        cluster_setup.MembershipEditView.as_view(),
        name="membership_edit",
    ),
    path("prepare/", next_year.PrepareNextYearView.as_view(), name="prepare_next_year"),
    path("restructure/", restructuring.RestructureView.as_view(), name="restructure"),
    path(
        "restructurings/", restructuring.RestructuringListView.as_view(), name="restructuring_list"
    ),
    path(
        "restructurings/<int:pk>/",
        restructuring.RestructuringDetailView.as_view(),
        name="restructuring_detail",
    ),
    path("programs/", programs.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", programs.ProgramCreateView.as_view(), name="program_create"),
    path("programs/<int:pk>/", programs.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", programs.ProgramEditView.as_view(), name="program_edit"),
    path("programs/<int:pk>/table/", programs.ProgramTableView.as_view(), name="program_table"),
    path(
        "programs/<int:pk>/indicators/",
        programs.ProgramIndicatorsView.as_view(),
        name="program_indicators",
    ),
    path("programs/<int:pk>/rules/", programs.ProgramRulesView.as_view(), name="program_rules"),
]
