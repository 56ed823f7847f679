"""Every document the application prints, by kind: how to build its data and in which
formats it renders. `export_document` and the views look documents up here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .base import TableDocument
from .docx import render_docx
from .pdf import render_pdf
from .xlsx import render_table_xlsx

KINDS = ("roster", "results", "summary", "minutes", "proposal", "pact")


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    label: str
    build: Callable  # (cluster_year) -> document data
    template: str
    formats: tuple[str, ...]

    def render(self, document, fmt: str) -> bytes:
        # Documents are official Vietnamese papers whatever the reader's language: dates,
        # figures (95,5; 127.000) and labels print in Vietnamese.
        with translation.override("vi"):
            return self._render(document, fmt)

    def _render(self, document, fmt: str) -> bytes:
        if fmt == "pdf":
            return render_pdf(self.template, {"document": document})
        if fmt == "docx":
            return render_docx(self.template, {"document": document})
        if fmt == "xlsx" and isinstance(document, TableDocument):
            return render_table_xlsx(document)
        raise ValueError(fmt)


def _registry() -> dict[str, DocumentSpec]:
    from awards.documents import minutes, proposal, summary
    from clusters.documents import pact, results, roster

    return {
        "roster": DocumentSpec(
            "roster", _("Cluster roster"), roster.build_roster, roster.TEMPLATE, ("pdf", "xlsx")
        ),
        "results": DocumentSpec(
            "results",
            _("Results table and ranking"),
            results.build_results,
            results.TEMPLATE,
            ("pdf", "xlsx"),
        ),
        "minutes": DocumentSpec(
            "minutes",
            _("Minutes of the year-end review and vote"),
            minutes.build_minutes,
            minutes.TEMPLATE,
            ("pdf", "docx"),
        ),
        "proposal": DocumentSpec(
            "proposal",
            _("Submission with the list of nominees"),
            proposal.build_proposal,
            proposal.TEMPLATE,
            ("pdf", "docx"),
        ),
        "summary": DocumentSpec(
            "summary",
            _("Year-end summary report"),
            summary.build_summary,
            summary.TEMPLATE,
            ("pdf", "docx"),
        ),
        "pact": DocumentSpec(
            "pact", _("Emulation pact"), pact.build_pact, pact.TEMPLATE, ("pdf", "docx")
        ),
    }


def get_spec(kind: str) -> DocumentSpec | None:
    return _registry().get(kind)


def built_kinds() -> list[str]:
    return list(_registry())
