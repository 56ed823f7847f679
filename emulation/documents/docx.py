"""HTML → DOCX with python-docx: the same Django template as the PDF, so that an office can edit
the paper in Word before signing it.

The converter knows the small part of HTML and CSS our document templates use: blocks and
paragraphs, <strong>/<em>/<u>/<br>, lists, tables (borders, colspan, widths, a header row
repeated on each page) and the declarations of their <style> – alignment, weight, style, size,
first-line indent, margins, cell padding, widths, "white-space: nowrap", "page-break-… : avoid"
and the @page size and margins. An inline SVG chart becomes a picture drawn from the same SVG
(cairosvg); what a template shows only on screen it hides when `for_pdf` (or `for_docx`) is set.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from . import fonts

FONT = "Times New Roman"
# What a browser's own stylesheet gives these elements; the template's rules override it.
USER_AGENT_CSS = """
b, strong, th, h1, h2, h3, h4, h5, h6 { font-weight: bold }
i, em { font-style: italic }
u { text-decoration: underline }
th { text-align: center }
p { margin: 1em 0 }
head, script, style { display: none }
"""
# Never text of the document, whatever the CSS says (an SVG chart becomes a picture).
SKIPPED = {"svg", "img", "head", "script", "style"}
# A chart's picture: sharp on paper, small in the file.
PICTURE_DPI = 200
# A line that must not wrap (the national title) gets a column this much wider than it prints:
# the decree allows the title at 12 to 13 pt, and an office that enlarges it in Word keeps it
# on one line.
NOWRAP_ROOM = 13 / 12.5
BLOCKS = {
    *"html body div p table ul ol li hr section article header footer main nav".split(),
    *"figure figcaption blockquote address dl dt dd h1 h2 h3 h4 h5 h6 svg img".split(),
}
VOID = {"br", "hr", "img", "meta", "link", "input", "col", "source", "wbr"}
INHERITED = {
    *"text-align font-weight font-style font-size text-transform".split(),
    *"white-space text-indent text-decoration line-height".split(),
}
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
VALIGN = {
    "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "middle": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}
POINTS = {"pt": 1, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72, "px": 0.75}


# The tree --------------------------------------------------------------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []
        self.classes = set((attrs.get("class") or "").split())
        self.style: dict[str, str] = {}

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """The tree of an HTML text fed at once; an <svg> keeps its source as written (the
    parser lower-cases names such as viewBox)."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag == "svg":
            node.source_start = self.position()
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if tag == "svg" and hasattr(node, "source_start"):
            end = self.source.find(">", self.position()) + 1
            node.source = self.source[node.source_start : end]
        if node.parent is not None:  # a stray end tag closes nothing
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def _walk(node: Node):
    yield node
    for child in node.children:
        if isinstance(child, Node):
            yield from _walk(child)


# The styles ------------------------------------------------------------------------------------


def _declarations(text: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in text.split(";") if ":" in item)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def _at_rules(css: str) -> tuple[str, list[dict[str, str]]]:
    """The stylesheet without its @-blocks, and the declarations of its plain @page rules."""
    plain, pages, position = [], [], 0
    for match in re.finditer(r"@[\w-]+[^{;]*[{;]", css):
        if match.start() < position:
            continue  # nested in a block already skipped
        plain.append(css[position : match.start()])
        end, depth = match.end(), int(match.group().endswith("{"))
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        if re.fullmatch(r"@page\s*\{", match.group()):
            pages.append(_declarations(re.sub(r"@[^{]*\{[^{}]*\}", "", css[match.end() : end - 1])))
        position = end
    return "".join(plain) + css[position:], pages


def _rules(css: str, origin: int, order: list[int]):
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = _declarations(body)
        for selector in selectors.split(","):
            parts = [re.fullmatch(r"([\w-]+)?((?:\.[\w-]+)*)", p) for p in selector.split()]
            if not parts or None in parts:
                continue  # pseudo-classes, attributes, children: not in our templates
            compounds = [(m.group(1), set(m.group(2).split(".")[1:])) for m in parts]
            specificity = (sum(len(c) for _, c in compounds), sum(bool(t) for t, _ in compounds))
            order[0] += 1
            yield (origin, specificity, order[0]), compounds, declarations


def _matches(node: Node, compounds) -> bool:
    def fits(n, compound):
        tag, classes = compound
        return (tag is None or n.tag == tag) and classes <= n.classes

    if not fits(node, compounds[-1]):
        return False
    ancestor = node.parent
    for compound in reversed(compounds[:-1]):
        while ancestor is not None and not fits(ancestor, compound):
            ancestor = ancestor.parent
        if ancestor is None:
            return False
        ancestor = ancestor.parent
    return True


def _length(value: str, font_size: float = 13, whole: float | None = None) -> float | None:
    """A CSS length in points (a percentage of `whole`)."""
    match = re.fullmatch(r"(-?[\d.]+)(pt|mm|cm|in|px|em|%)?", value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "em":
        return number * font_size
    if unit == "%":
        return None if whole is None else number * whole / 100
    return number * POINTS.get(unit, 0 if number else 1)


def _box(style: dict, prop: str) -> dict[str, str]:
    """margin/padding shorthand → top, right, bottom, left."""
    values = style.get(prop, "").split()
    values = (values * 4)[:4] if len(values) == 1 else values
    if len(values) == 2:
        values = values * 2
    if len(values) == 3:
        values = [*values, values[1]]
    result = dict(zip(("top", "right", "bottom", "left"), values, strict=False))
    for side in ("top", "right", "bottom", "left"):
        result[side] = style.get(f"{prop}-{side}", result.get(side, "0"))
    return result


def _cascade(root: Node, css: str) -> list[dict[str, str]]:
    """Give each node its computed style; return the @page declarations."""
    author, pages = _at_rules(re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    order = [0]
    rules = sorted([*_rules(USER_AGENT_CSS, 0, order), *_rules(author, 1, order)])
    for node in _walk(root):
        inherited = node.parent.style if node.parent else {"font-size": "13pt"}
        style = {k: v for k, v in inherited.items() if k in INHERITED}
        for _, compounds, declarations in rules:
            if _matches(node, compounds):
                style.update(declarations)
        style.update(_declarations(node.attrs.get("style") or ""))
        parent_size = _length(inherited.get("font-size", "13pt")) or 13
        size = _length(style.get("font-size", ""), parent_size, parent_size)
        style["font-size"] = f"{size or parent_size}pt"
        node.style = style
    return pages


# The Word document -----------------------------------------------------------------------------


def _set(element, tag: str, **attrs):
    """The child `tag` of a w:p/w:pPr/w:trPr…, added last if missing, with these attributes.
    (Word wants the children of a properties element in the schema's order: callers add
    those that come first before python-docx adds the others.)"""
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), str(value))
    return child


class _Writer:
    def __init__(self, document, base_size: float):
        self.document, self.base_size = document, base_size
        self.pending = 0.0  # space (pt) owed to the next paragraph by a margin above it

    # Blocks

    def block(self, node: Node, container, width: float):
        if node.tag == "svg" and node.style.get("display") != "none":
            return self.picture(node, container, width)
        if node.style.get("display") == "none" or node.tag in SKIPPED:
            return
        if node.tag == "table":
            return self.table(node, container, width)
        if node.tag == "hr":
            return self.rule(node, container, width)
        margin = _box(node.style, "margin")
        self.pending = max(self.pending, self.points(node, margin["top"]) or 0)
        start = len(self.content(container))
        run: list[Node | str] = []
        items = 0
        for child in node.children:
            if isinstance(child, Node) and child.tag in BLOCKS:
                self.paragraph(node, run, container)
                run = []
                if node.tag in ("ul", "ol") and child.tag == "li":
                    items += 1
                    child.children.insert(0, f"{items}. " if node.tag == "ol" else "- ")
                self.block(child, container, width)
            else:
                run.append(child)
        self.paragraph(node, run, container)
        if len(self.content(container)) == start and self.points(node, margin["top"]):
            self.paragraph(node, [], container, empty=True)  # an empty line kept: room to sign
        self.space_after(container, self.points(node, margin["bottom"]) or 0)
        if self.avoids_break(node):
            self.keep_together(self.content(container)[start:])

    def paragraph(self, node: Node, inline: list, container, empty=False) -> Paragraph | None:
        segments = self.segments(inline, node)
        if not empty and not any(text.strip() or text == "\n" for text, _ in segments):
            return None
        paragraph = container.add_paragraph()
        style, fmt = node.style, paragraph.paragraph_format
        if style.get("text-align") in ALIGN:
            fmt.alignment = ALIGN[style["text-align"]]
        indent = self.points(node, style.get("text-indent", "0"))
        if indent:
            fmt.first_line_indent = Pt(indent)
        if node.tag == "li":
            fmt.left_indent = Pt(28)
        before = self.pending - (self.last_after(container) or 0)
        if before > 0:
            fmt.space_before = Pt(before)
        self.pending = 0
        if "avoid" in (style.get("page-break-after"), style.get("break-after")):
            fmt.keep_with_next = True
        for text, look in segments:
            if text == "\n":
                paragraph.add_run().add_break()
                continue
            font = paragraph.add_run(text).font
            font.bold = look["font-weight"] in ("bold", "bolder", "600", "700", "800") or None
            font.italic = look["font-style"] == "italic" or None
            font.underline = "underline" in look["text-decoration"] or None
            if abs(look["size"] - self.base_size) > 0.01:
                font.size = Pt(look["size"])
        return paragraph

    def segments(self, inline: list, parent: Node) -> list[tuple[str, dict]]:
        """The runs of a paragraph: whitespace collapsed as a browser does."""
        raw: list[tuple[str, dict]] = []

        def collect(items, node):
            for item in items:
                if isinstance(item, str):
                    raw.append((item, node.style))
                elif item.tag == "br":
                    raw.append(("\n", item.style))
                elif item.style.get("display") != "none" and item.tag not in SKIPPED:
                    collect(item.children, item)

        collect(inline, parent)
        result, after_space = [], True
        for text, style in raw:
            if text != "\n":
                text = re.sub(r"[ \t\r\n\f]+", " ", text)
                text = text.lstrip(" ") if after_space else text
                if not text:
                    continue
            elif result and result[-1][0] != "\n":
                result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
            after_space = text == "\n" or text.endswith(" ")
            result.append((text, style))
        if result and result[-1][0] != "\n":
            result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
        return [(self.transformed(text, style), self.look(style)) for text, style in result if text]

    def transformed(self, text: str, style: dict) -> str:
        if style.get("white-space") == "nowrap":
            text = text.replace(" ", "\u00a0")
        return text.upper() if style.get("text-transform") == "uppercase" else text

    def look(self, style: dict) -> dict:
        return {
            "font-weight": style.get("font-weight", ""),
            "font-style": style.get("font-style", ""),
            "text-decoration": style.get("text-decoration", ""),
            "size": _length(style.get("font-size", "")) or self.base_size,
        }

    def rule(self, node: Node, container, width: float):
        """A short centred rule (under the issuer, under the motto): a paragraph border
        between indents."""
        share = _length(node.style.get("width", "100%"), whole=1) or 1
        paragraph = container.add_paragraph()
        borders = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")  # first in w:pPr
        _set(borders, "w:bottom", val="single", sz=6, space=0, color="000000")
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(width * (1 - share) / 2)
        margin = _box(node.style, "margin")
        fmt.space_after = Pt(max(0, self.points(node, margin["bottom"]) or 0))
        fmt.line_spacing = Pt(max(2, self.points(node, margin["top"]) or 0))
        self.pending = 0

    def picture(self, node: Node, container, width: float):
        """An SVG chart as a PNG picture of the size it prints, on a paragraph of its own."""
        source = getattr(node, "source", "")
        if not source:
            return
        shown = min(_length(node.attrs.get("width") or "") or width, width)
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before = self.pending - (self.last_after(container) or 0)
        if before > 0:
            paragraph.paragraph_format.space_before = Pt(before)
        self.pending = 0
        paragraph.add_run().add_picture(BytesIO(svg_to_png(source)), width=Emu(int(Pt(shown))))

    def table(self, node: Node, container, width: float):
        groups = [c for c in node.children if isinstance(c, Node)]
        rows = []  # (tr, its group or None)
        for group in groups:
            if group.tag == "tr":
                rows.append((group, None))
            elif group.tag in ("thead", "tbody", "tfoot"):
                rows += [(tr, group) for tr in group.children if getattr(tr, "tag", "") == "tr"]
        cells = [
            [c for c in tr.children if getattr(c, "tag", "") in ("td", "th")] for tr, _ in rows
        ]
        columns = max((sum(self.span(c) for c in row) for row in cells), default=0)
        if not columns:
            return
        margin = _box(node.style, "margin")
        above, self.pending = (self.points(node, margin["top"]) or 0) + self.pending, 0
        content = self.content(container)
        if content and content[-1].tag == qn("w:tbl"):
            # Word joins two tables that touch: a thin paragraph keeps them apart.
            container.add_paragraph().paragraph_format.line_spacing = Pt(max(1, above))
        else:
            self.space_after(container, above)
        total = _length(node.style.get("width", "100%"), whole=width) or width
        first = next((c for row in cells for c in row), None)
        sides = [0.0, 0.0]
        if first is not None:
            padding = _box(first.style, "padding")
            sides = [self.points(first, padding[side]) or 0 for side in ("left", "right")]
        shares = self.widened(self.column_shares(cells, columns, total), cells, sum(sides))
        border = first.style.get("border", "") if first is not None else ""
        table = container.add_table(rows=len(rows), cols=columns)
        if border and not border.startswith(("0 ", "none")) and border != "0":
            table.style = self.document.styles["Table Grid"]
        table.autofit = False
        # The cells' padding as Word's cell margins (its default is 5.4 pt a side).
        margins = OxmlElement("w:tblCellMar")
        for side, points in zip(("left", "right"), sides, strict=True):
            _set(margins, f"w:{side}", w=round(points * 20), type="dxa")
        table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)
        for index, share in enumerate(shares):
            table.columns[index].width = Emu(int(Pt(share)))
        for (tr, group), row_cells, row in zip(rows, cells, table.rows, strict=True):
            properties = row._tr.get_or_add_trPr()
            if group is not None and group.tag == "thead":
                _set(properties, "w:tblHeader")
            if self.avoids_break(tr):
                _set(properties, "w:cantSplit")
            column = 0
            for cell_node in row_cells:
                span = min(self.span(cell_node), columns - column)
                if span <= 0:
                    break
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[column + span - 1])
                cell_width = sum(shares[column : column + span])
                cell.width = Emu(int(Pt(cell_width)))
                self.cell(cell_node, cell, cell_width)
                column += span
        self.pending = max(0, self.points(node, margin["bottom"]) or 0)
        for group in [node, *groups]:  # kept on one page: all rows with the next
            if self.avoids_break(group):
                members = {id(tr) for tr, g in rows if group is node or g is group}
                chosen = [
                    row for (tr, _), row in zip(rows, table.rows, strict=True) if id(tr) in members
                ]
                for row in chosen[:-1]:
                    for paragraph in row._tr.iter(qn("w:p")):
                        Paragraph(paragraph, None).paragraph_format.keep_with_next = True

    def cell(self, node: Node, cell: _Cell, width: float):
        if node.style.get("vertical-align") in VALIGN:
            cell.vertical_alignment = VALIGN[node.style["vertical-align"]]
        padding = _box(node.style, "padding")
        saved, self.pending = self.pending, self.points(node, padding["top"]) or 0
        self.block(node, cell, width)
        self.space_after(cell, self.points(node, padding["bottom"]) or 0)
        self.pending = saved
        content = self.content(cell)
        if len(content) > 1 and not cell.paragraphs[0].text and content[-1].tag == qn("w:p"):
            first = cell.paragraphs[0]._p  # the empty paragraph every new cell starts with
            first.getparent().remove(first)

    # Helpers

    def span(self, cell: Node) -> int:
        try:
            return max(1, int(cell.attrs.get("colspan") or 1))
        except ValueError:
            return 1

    def column_shares(self, cells, columns: int, total: float) -> list[float]:
        """Each column's width in points, from the first row that gives them."""
        shares: list[float | None] = [None] * columns
        for row in cells:
            if sum(self.span(c) for c in row) == columns and all(self.span(c) == 1 for c in row):
                widths = [_length(c.style.get("width", ""), whole=total) for c in row]
                if any(widths):
                    shares = widths
                    break
        known = sum(s for s in shares if s)
        missing = [i for i, s in enumerate(shares) if not s]
        for index in missing:
            shares[index] = max(total - known, 0) / len(missing) or total / columns
        scale = total / (sum(shares) or 1)  # never wider than the page
        return [share * scale for share in shares]

    def widened(self, shares: list[float], cells, margins: float) -> list[float]:
        """The columns' widths, each at least as wide as its longest word and its lines that
        must not wrap (with room to spare, see NOWRAP_ROOM), taken from the columns that have
        room – as a browser lays out a table, where Word would break "HTXSNV" in two."""
        needed = [0.0] * len(shares)
        for row in cells:
            column = 0
            for cell in row:
                if self.span(cell) == 1 and column < len(shares):
                    needed[column] = max(needed[column], self.unbroken_width(cell) + margins)
                column += self.span(cell)
        for index, need in enumerate(needed):
            missing = need - shares[index]
            spare = {i: shares[i] - needed[i] for i in range(len(shares)) if i != index}
            spare = {i: room for i, room in spare.items() if room > 0}
            if missing <= 0 or not spare:
                continue
            taken = min(missing, sum(spare.values()))
            for other, room in spare.items():
                shares[other] -= taken * room / sum(spare.values())
            shares[index] += taken
        return shares

    def unbroken_width(self, cell: Node) -> float:
        """The widest word or "white-space: nowrap" line in a cell, as the bundled font
        prints it."""
        widest = 0.0
        for node in _walk(cell):
            style = node.style
            if style.get("display") == "none" or node.tag in SKIPPED:
                continue
            look = self.look(style)
            bold = look["font-weight"] in ("bold", "bolder", "600", "700", "800")
            italic = look["font-style"] == "italic"
            if style.get("white-space") == "nowrap":
                pieces = [" ".join(node.text().split())]
                size = look["size"] * NOWRAP_ROOM
            else:
                pieces = [w for c in node.children if isinstance(c, str) for w in c.split()]
                size = look["size"]
            for piece in pieces:
                piece = self.transformed(piece, style)
                widest = max(widest, fonts.text_width(piece, size, bold, italic))
        return widest

    def points(self, node: Node, value: str) -> float | None:
        size = _length(node.style.get("font-size", "")) or self.base_size
        result = _length(value or "0", size)
        return None if result is None else max(result, 0)

    def avoids_break(self, node: Node) -> bool:
        return "avoid" in (node.style.get("page-break-inside"), node.style.get("break-inside"))

    def content(self, container) -> list:
        element = container._element if isinstance(container, _Cell) else container.element.body
        return [e for e in element if e.tag in (qn("w:p"), qn("w:tbl"))]

    def last_after(self, container) -> float | None:
        content = self.content(container)
        if len(content) < 2 or content[-2].tag != qn("w:p"):
            return None
        after = Paragraph(content[-2], None).paragraph_format.space_after
        return after.pt if after is not None else None

    def space_after(self, container, points: float):
        """A margin below: the last paragraph's space after, or a debt for the next one."""
        if points <= 0:
            return
        content = self.content(container)
        if content and content[-1].tag == qn("w:p") and not self.pending:
            fmt = Paragraph(content[-1], None).paragraph_format
            fmt.space_after = Pt(max(points, fmt.space_after.pt if fmt.space_after else 0))
        else:
            self.pending = max(self.pending, points)

    def keep_together(self, elements):
        paragraphs = [p for element in elements for p in element.iter(qn("w:p"))]
        for paragraph in paragraphs[:-1]:
            Paragraph(paragraph, None).paragraph_format.keep_with_next = True


def _page_setup(document, pages: list[dict[str, str]], base_size: float):
    section = document.sections[0]
    page = {k: v for declarations in pages for k, v in declarations.items()}
    landscape = "landscape" in page.get("size", "")
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    margin = _box(page, "margin")
    for side in ("top", "right", "bottom", "left"):
        points = _length(margin[side]) or 0
        setattr(section, f"{side}_margin", Emu(int(Pt(points))))
    section.header_distance = Mm(10)
    # Page numbers from page 2, centred at the top.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = _set(paragraph._p, "w:fldSimple", instr="PAGE")
    run = paragraph.add_run("2")
    run.font.size = Pt(min(12, base_size))
    field.append(run._r)
    return section


def _default_font(document, size: float, line_height: str):
    """Times New Roman for every script, Vietnamese, no space between paragraphs."""
    styles = document.styles.element
    for rpr in [
        styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
        document.styles["Normal"].element.get_or_add_rPr(),
    ]:
        fonts = rpr.get_or_add_rFonts()
        fonts.attrib.clear()  # no theme fonts
        for name in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{name}"), FONT)
        _set(rpr, "w:lang", val="vi-VN", eastAsia="vi-VN", bidi="ar-SA")
    normal = document.styles["Normal"]
    normal.font.size = Pt(size)
    # CSS line-height is a multiple of the font size, Word's "single" about 1.15 of it.
    spacing = round(float(line_height) / 1.15, 2) if re.fullmatch(r"[\d.]+", line_height) else 1
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = spacing
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _set(defaults, "w:spacing", before=0, after=0, line=round(240 * spacing), lineRule="auto")


def svg_to_png(svg: str) -> bytes:
    """A chart's SVG drawn by cairo in the bundled font, on white."""
    import cairosvg

    fonts.register_with_fontconfig()
    return cairosvg.svg2png(bytestring=svg.encode(), dpi=PICTURE_DPI, background_color="white")


def html_to_docx(html: str) -> bytes:
    parser = _TreeBuilder(html)
    parser.feed(html)
    parser.close()
    root = parser.root
    css = "\n".join(node.text() for node in _walk(root) if node.tag == "style")
    pages = _cascade(root, css)
    html_node = next((n for n in _walk(root) if n.tag == "html"), root)
    base_size = _length(html_node.style.get("font-size", "13pt")) or 13
    document = Document()
    _default_font(document, base_size, html_node.style.get("line-height", ""))
    section = _page_setup(document, pages, base_size)
    title = next((n.text().strip() for n in _walk(root) if n.tag == "title"), "")
    properties = document.core_properties
    properties.title, properties.language, properties.author = title, "vi-VN", ""
    properties.created = properties.modified = timezone.now()
    body = next((n for n in _walk(root) if n.tag == "body"), root)
    width = (section.page_width - section.left_margin - section.right_margin) / Pt(1)
    _Writer(document, base_size).block(body, document, width)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(template_name: str, context: dict) -> bytes:
    """Render a document template – the one the PDF prints – to DOCX bytes."""
    html = render_to_string(template_name, {**context, "for_pdf": True, "for_docx": True})
    return html_to_docx(html)
