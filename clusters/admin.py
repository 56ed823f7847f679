from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Cluster,
    ClusterYear,
    Membership,
    Officer,
    Organization,
    OrganizationName,
    ParentPeriod,
    Restructuring,
)


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 0


class ParentPeriodInline(admin.TabularInline):
    model = ParentPeriod
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["parent"]


class OfficerInline(admin.TabularInline):
    model = Officer
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "locality", "status", "valid_from", "valid_to"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code", "search_text", "locality"]
    filter_horizontal = ["successors"]
    inlines = [OrganizationNameInline, ParentPeriodInline, OfficerInline]
    readonly_fields = ["search_text"]


@admin.register(OrganizationName)
class OrganizationNameAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "used_until"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    list_filter = ["organization__kind"]
    autocomplete_fields = ["organization"]


@admin.register(ParentPeriod)
class ParentPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "parent", "valid_from", "valid_to", "decision"]
    list_select_related = ["organization", "parent"]
    list_filter = ["organization__kind", "parent__kind"]
    search_fields = ["organization__name", "parent__name", "decision"]
    autocomplete_fields = ["organization", "parent"]


@admin.register(Restructuring)
class RestructuringAdmin(admin.ModelAdmin):
    list_display = ["decision", "last_day", "created_by", "created_at"]
    list_select_related = ["created_by"]
    list_filter = ["last_day"]
    search_fields = ["decision", "note"]
    filter_horizontal = ["ended"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "organizer", "kind", "number", "founded_on", "ended_on"]
    list_select_related = ["organizer"]
    list_filter = ["kind", "organizer"]
    search_fields = ["name", "code", "search_text", "organizer__name"]
    autocomplete_fields = ["organizer"]
    readonly_fields = ["search_text"]


@admin.register(ClusterYear)
class ClusterYearAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "year", "status", "head", "deputy", "ended_on"]
    list_select_related = ["cluster", "head", "deputy"]
    list_filter = ["status", "year", "cluster__organizer"]
    search_fields = ["cluster__name", "cluster__code", "head__name", "deputy__name"]
    autocomplete_fields = ["cluster", "head", "deputy"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "cluster_year", "joined_on", "left_on"]
    list_select_related = ["organization", "cluster_year__cluster"]
    list_filter = ["cluster_year__year", "cluster_year__cluster__organizer"]
    search_fields = ["organization__name", "cluster_year__cluster__name"]
    autocomplete_fields = ["organization", "cluster_year"]


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "title"]
    list_select_related = ["user", "organization"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
