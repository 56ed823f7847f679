from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnnualResult,
    Attendance,
    ClassificationRule,
    Cluster,
    ClusterFigure,
    ClusterYear,
    Conclusion,
    Criterion,
    EmulationProgram,
    Evidence,
    FollowUp,
    Indicator,
    IndicatorValue,
    Meeting,
    Membership,
    Officer,
    Organization,
    OrganizationLink,
    OrganizationName,
    Pact,
    PactSignatory,
    PactTarget,
    ParentPeriod,
    Person,
    Restructuring,
    ScoreEntry,
    ScoreSection,
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


@admin.register(OrganizationLink)
class OrganizationLinkAdmin(admin.ModelAdmin):
    """The closed-over tree, kept by the parent periods' signals: to read, never to edit (a
    wrong row would change what people see; `OrganizationLink.objects.rebuild()` remakes it)."""

    list_display = ["ancestor", "descendant", "depth", "valid_from", "valid_to"]
    list_filter = ["depth"]
    list_select_related = ["ancestor", "descendant"]
    search_fields = ["ancestor__code", "ancestor__name", "descendant__code", "descendant__name"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["user", "organization", "role", "title", "valid_from", "valid_until"]
    list_select_related = ["user", "organization"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["user", "phone", "must_change_password"]
    list_select_related = ["user"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username", "user__first_name", "phone"]
    autocomplete_fields = ["user"]


# Programmes and results --------------------------------------------------------------------


class ScoreSectionInline(admin.TabularInline):
    model = ScoreSection
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class ClassificationRuleInline(admin.TabularInline):
    model = ClassificationRule
    extra = 0


@admin.register(EmulationProgram)
class EmulationProgramAdmin(SimpleHistoryAdmin):
    list_display = ["year", "organizer", "plan_reference", "top_share_percent"]
    list_filter = ["year"]
    search_fields = ["organizer__name", "plan_reference", "theme"]
    autocomplete_fields = ["organizer"]
    inlines = [ScoreSectionInline, IndicatorInline, ClassificationRuleInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "max_points", "indicator", "formula"]
    list_filter = ["section__program__year"]
    search_fields = ["title"]
    list_select_related = ["section", "indicator"]


class ScoreEntryInline(admin.TabularInline):
    model = ScoreEntry
    extra = 0
    raw_id_fields = ["criterion"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    raw_id_fields = ["indicator"]


@admin.register(AnnualResult)
class AnnualResultAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "cluster_year", "status", "self_total", "verified_total"]
    list_filter = ["status", "cluster_year__year"]
    search_fields = ["organization__name", "cluster_year__cluster__code"]
    list_select_related = ["organization", "cluster_year__cluster"]
    raw_id_fields = ["cluster_year", "organization", "program", "verified_by", "updated_by"]
    inlines = [ScoreEntryInline, IndicatorValueInline]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["description", "result", "added_by", "added_at"]
    list_filter = ["result__cluster_year__year"]
    search_fields = ["description", "result__organization__name", "link"]
    list_select_related = ["result__organization", "added_by"]
    raw_id_fields = ["result", "criterion", "added_by"]


@admin.register(ScoreSection)
class ScoreSectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "program", "kind", "max_points"]
    list_filter = ["kind", "program__year"]
    search_fields = ["code", "title", "program__organizer__name"]
    list_select_related = ["program__organizer"]
    raw_id_fields = ["program"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "has_target", "program"]
    list_filter = ["kind", "has_target", "program__year"]
    search_fields = ["code", "name", "program__organizer__name"]
    list_select_related = ["program__organizer"]
    raw_id_fields = ["program"]


@admin.register(ClassificationRule)
class ClassificationRuleAdmin(SimpleHistoryAdmin):
    list_display = ["level", "min_total", "min_criterion_percent", "max_penalty", "program"]
    list_filter = ["level", "program__year"]
    search_fields = ["level", "program__organizer__name"]
    list_select_related = ["program__organizer"]
    raw_id_fields = ["program"]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(SimpleHistoryAdmin):
    list_display = ["result", "criterion", "self_score", "verified_score", "not_applicable"]
    list_filter = ["not_applicable", "result__cluster_year__year"]
    search_fields = ["result__organization__name", "criterion__code", "criterion__title"]
    list_select_related = ["result__organization", "result__cluster_year__cluster", "criterion"]
    raw_id_fields = ["result", "criterion"]


@admin.register(ClusterFigure)
class ClusterFigureAdmin(SimpleHistoryAdmin):
    list_display = ["cluster_year", "indicator", "target", "actual", "qualifier"]
    list_filter = ["cluster_year__year", "qualifier"]
    search_fields = [
        "cluster_year__cluster__name",
        "cluster_year__cluster__code",
        "indicator__name",
    ]
    list_select_related = ["cluster_year__cluster", "indicator"]
    raw_id_fields = ["cluster_year", "indicator"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["result", "indicator", "target", "actual"]
    list_filter = ["result__cluster_year__year"]
    search_fields = ["result__organization__name", "indicator__code", "indicator__name"]
    list_select_related = ["result__organization", "result__cluster_year__cluster", "indicator"]
    raw_id_fields = ["result", "indicator"]


# Meetings and pacts -------------------------------------------------------------------------


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["organization"]


class ConclusionInline(admin.TabularInline):
    model = Conclusion
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "kind", "organizer", "cluster_year", "status"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "place", "organizer__name", "cluster_year__cluster__code"]
    list_select_related = ["organizer", "cluster_year__cluster"]
    raw_id_fields = ["organizer", "cluster_year", "host", "elected_head", "elected_deputy"]
    inlines = [AttendanceInline, ConclusionInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "organization", "present", "representative"]
    list_filter = ["present", "meeting__year"]
    search_fields = ["organization__name", "representative"]
    list_select_related = ["meeting", "organization"]
    raw_id_fields = ["meeting", "organization"]


@admin.register(Conclusion)
class ConclusionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "owner", "due_on", "meeting"]
    list_filter = ["meeting__year", "meeting__kind"]
    search_fields = ["text", "owner"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["conclusion", "cluster", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["cluster__code", "cluster__name", "conclusion__text", "note"]
    list_select_related = ["conclusion", "cluster"]
    raw_id_fields = ["conclusion", "cluster"]


class PactTargetInline(admin.TabularInline):
    model = PactTarget
    extra = 0
    raw_id_fields = ["organization", "indicator"]


class PactSignatoryInline(admin.TabularInline):
    model = PactSignatory
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(Pact)
class PactAdmin(SimpleHistoryAdmin):
    list_display = ["cluster_year", "signed_on", "place"]
    list_filter = ["cluster_year__year"]
    search_fields = ["cluster_year__cluster__code", "cluster_year__cluster__name", "place"]
    list_select_related = ["cluster_year__cluster"]
    raw_id_fields = ["cluster_year", "meeting"]
    inlines = [PactTargetInline, PactSignatoryInline]


@admin.register(PactTarget)
class PactTargetAdmin(SimpleHistoryAdmin):
    list_display = ["pact", "organization", "indicator", "target"]
    list_filter = ["pact__cluster_year__year"]
    search_fields = ["organization__name", "indicator__code"]
    list_select_related = ["pact__cluster_year__cluster", "organization", "indicator"]
    raw_id_fields = ["pact", "organization", "indicator"]


@admin.register(PactSignatory)
class PactSignatoryAdmin(SimpleHistoryAdmin):
    list_display = ["pact", "organization", "person", "title"]
    list_filter = ["pact__cluster_year__year"]
    search_fields = ["organization__name", "person"]
    list_select_related = ["pact__cluster_year__cluster", "organization"]
    raw_id_fields = ["pact", "organization"]
