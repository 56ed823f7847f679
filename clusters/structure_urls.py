from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from .views import (
    autocomplete,
    cluster_setup,
    imports,
    next_year,
    officers,
    organizations,
    programs,
    restructuring,
)

app_name = "structure"

urlpatterns = [
    # /structure/ itself: the organisations, where the structure screens start.
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="structure:organization_list")),
        name="index",
    ),
    # The pickers' answers: a search among what the user may choose there.
    path(
        "autocomplete/organizations/<slug:scope>/",
        autocomplete.OrganizationAutocomplete.as_view(),
        name="organization_autocomplete",
    ),
    path(
        "autocomplete/clusters/<slug:scope>/",
        autocomplete.ClusterAutocomplete.as_view(),
        name="cluster_autocomplete",
    ),
    path(
        "autocomplete/members/<slug:code>/<int:year>/",
        autocomplete.MemberAutocomplete.as_view(),
        name="member_autocomplete",
    ),
    path(
        "autocomplete/candidates/<slug:code>/<int:year>/",
        autocomplete.CandidateAutocomplete.as_view(),
        name="candidate_autocomplete",
    ),
    path("organizations/", organizations.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/import/", imports.structure_import, name="structure_import"),
    path("organizations/export.xlsx", imports.structure_export, name="structure_export"),
    path("officers/import/", imports.officer_import, name="officer_import"),
    path("officers/template.xlsx", imports.officer_template, name="officer_template"),
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
    # Units and officers by import, and each organisation's officers.
    path("organizations/<slug:code>/officers/", officers.officer_list, name="officer_list"),
    path(
        "organizations/<slug:code>/officers/new/",
        officers.officer_create,
        name="officer_create",
    ),
    path(
        "organizations/<slug:code>/officers/add-role/",
        officers.officer_add_role,
        name="officer_add_role",
    ),
    path(
        "organizations/<slug:code>/officers/logins/",
        officers.officer_logins,
        name="officer_logins",
    ),
    path(
        "organizations/<slug:code>/officers/<int:pk>/end/",
        officers.officer_end,
        name="officer_end",
    ),
    path(
        "organizations/<slug:code>/officers/<int:pk>/password/",
        officers.officer_password,
        name="officer_password",
    ),
    path(
        "organizations/<slug:code>/officers/<int:pk>/active/",
        officers.officer_active,
        name="officer_active",
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
        "clusters/<slug:code>/<int:year>/members/batch/",
        cluster_setup.MembershipBatchView.as_view(),
        name="membership_batch",
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
