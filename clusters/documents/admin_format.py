"""The administrative format of a cluster's documents – the roster, the results, the
minutes, the submission, the summary, the pact: the header blocks and the signature as the
cluster-year names them (its own header lines and signer where the head set them, else the
organiser's and the cluster's names as of the year)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from emulation.documents.admin_format import admin_header, emulation_group_signature
from emulation.documents.base import AdminHeader, Signature

from ..models import ClusterKind, ClusterYear


def header_for(
    cluster_year: ClusterYear, *, printed_on: datetime.date | None = None
) -> AdminHeader:
    """The administrative header of a cluster document, as named in that year."""
    as_of = cluster_year.as_of
    cluster = cluster_year.cluster
    organizer_name = cluster.organizer.name_on(as_of)
    place = ""
    if cluster_year.head is not None:
        place = cluster_year.head.locality
    place = place or cluster.organizer.locality
    if printed_on is None and cluster_year.recorded_afterwards:
        printed_on = event_day(cluster_year)
    return admin_header(
        parent_name=cluster_year.header_parent_line or organizer_name,
        issuer_name=cluster_year.header_issuer_line or cluster.name,
        place=place,
        date=printed_on or timezone.localdate(),
    )


def event_day(cluster_year: ClusterYear) -> datetime.date:
    """The day a paper of a year recorded afterwards is dated: its review meeting's, else the
    year's last day – never the day it was typed in."""
    from ..models import Meeting, MeetingKind

    held = (
        Meeting.objects.filter(cluster_year=cluster_year, kind=MeetingKind.REVIEW)
        .values_list("held_on", flat=True)
        .first()
    )
    return held or cluster_year.as_of


def signature_for(cluster_year: ClusterYear) -> Signature:
    return emulation_group_signature(
        bloc=cluster_year.cluster.kind != ClusterKind.CLUSTER,
        signer_label=cluster_year.signer_label,
        name=cluster_year.head_person,
    )
