"""Built documents sent as downloads: views only wrap the bytes in a response."""

from django.http import HttpResponse
from django.utils import translation

from emulation.documents.base import CONTENT_TYPES
from emulation.documents.docx import render_docx
from emulation.documents.pdf import render_pdf


def attachment(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def pdf_attachment(template: str, document) -> HttpResponse:
    """A built document printed as PDF (always in Vietnamese) and sent as a download."""
    with translation.override("vi"):
        content = render_pdf(template, {"document": document})
    return attachment(content, document.filename, "pdf")


def docx_attachment(template: str, document) -> HttpResponse:
    """The same document as Word, from the same template (see emulation.documents.docx)."""
    with translation.override("vi"):
        content = render_docx(template, {"document": document})
    return attachment(content, document.filename, "docx")
