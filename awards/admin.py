from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Award,
    AwardRule,
    AwardType,
    Decision,
    Export,
    HonourRoll,
    Nomination,
    Notification,
    Proposal,
    Vote,
    VoteCandidate,
    VoteCast,
)


@admin.register(AwardType)
class AwardTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organizer", "kind", "recipient", "requires_level", "active"]
    list_filter = ["kind", "recipient", "active"]
    search_fields = ["name", "short_name", "organizer__name"]
    list_select_related = ["organizer"]
    raw_id_fields = ["organizer"]


@admin.register(AwardRule)
class AwardRuleAdmin(SimpleHistoryAdmin):
    list_display = ["award_type", "year", "scope", "max_count", "max_percent", "blocking"]
    list_filter = ["year", "scope", "blocking"]
    search_fields = ["award_type__name", "organizer__name", "regulation"]
    list_select_related = ["award_type", "organizer"]
    raw_id_fields = ["organizer", "award_type"]


class VoteCandidateInline(admin.TabularInline):
    model = VoteCandidate
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "award_type", "round", "mode", "status", "tie"]
    list_filter = ["mode", "status", "tie", "meeting__year"]
    search_fields = ["award_type__name", "meeting__cluster_year__cluster__code"]
    list_select_related = ["meeting", "award_type"]
    raw_id_fields = ["meeting", "award_type", "created_by"]
    inlines = [VoteCandidateInline]


@admin.register(VoteCandidate)
class VoteCandidateAdmin(SimpleHistoryAdmin):
    list_display = ["vote", "organization", "votes", "elected"]
    list_filter = ["elected", "vote__mode"]
    search_fields = ["organization__name"]
    list_select_related = ["vote__award_type", "organization"]
    raw_id_fields = ["vote", "organization"]


@admin.register(VoteCast)
class VoteCastAdmin(SimpleHistoryAdmin):
    list_display = ["vote", "voter", "candidate"]
    list_filter = ["vote__meeting__year"]
    search_fields = ["voter__name", "candidate__name"]
    list_select_related = ["vote__award_type", "voter", "candidate"]
    raw_id_fields = ["vote", "voter", "candidate"]


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "award_type", "cluster_year", "votes", "leading", "status"]
    list_filter = ["status", "leading", "cluster_year__year"]
    search_fields = ["organization__name", "award_type__name", "cluster_year__cluster__code"]
    list_select_related = ["organization", "award_type", "cluster_year__cluster"]
    raw_id_fields = [
        "cluster_year",
        "organization",
        "award_type",
        "granted_type",
        "vote",
        "created_by",
    ]

    # Statuses change only through the approval's services, which record who and why.
    readonly_fields = ["status", "granted_type"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["cluster_year", "number", "issued_on", "status", "submitted_at"]
    list_filter = ["status", "cluster_year__year"]
    search_fields = ["number", "cluster_year__cluster__code", "cluster_year__cluster__name"]
    list_select_related = ["cluster_year__cluster"]
    raw_id_fields = ["cluster_year", "submitted_by"]


# The register keeps every decision and award: a revocation is recorded, nothing is deleted.


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "signed_on", "organizer", "year", "signer"]
    list_filter = ["year"]
    search_fields = ["number", "signer", "organizer__name"]
    list_select_related = ["organizer"]
    raw_id_fields = ["organizer", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "award_type", "year", "decision", "status"]
    list_filter = ["status", "year"]
    search_fields = ["organization__name", "award_type__name", "decision__number"]
    list_select_related = ["organization", "award_type", "decision"]
    raw_id_fields = ["decision", "nomination", "organization", "award_type", "cluster_year"]
    readonly_fields = ["status", "revoked_reason", "revoked_by_decision", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HonourRoll)
class HonourRollAdmin(SimpleHistoryAdmin):
    list_display = ["organizer", "year", "published"]
    list_filter = ["published", "year"]
    search_fields = ["organizer__name", "organizer__code"]
    list_select_related = ["organizer"]
    raw_id_fields = ["organizer", "changed_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["user__username", "text"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """The downloads prepared in the background: to follow one that failed; `prune_exports`
    deletes them after the retention."""

    list_display = ["created_at", "kind", "year", "requested_by", "status", "parts_done", "size"]
    list_filter = ["status", "kind"]
    search_fields = ["requested_by__username", "organizer__name", "cluster_year__cluster__code"]
    list_select_related = ["requested_by"]
    raw_id_fields = ["requested_by", "organizer", "cluster_year"]
    readonly_fields = [f.name for f in Export._meta.fields]

    def has_add_permission(self, request):
        return False
