"""A page of a QuerySet in one query: the rows of the page counted with the page itself
(COUNT(*) OVER ()), so a list costs the same whether it is empty, short or long – the
query counts of a page stay constant whatever the data."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

# Beyond this a page number is past the end of any list (and its offset past what a database
# takes): counted and answered with the last page, as Django's paginator does.
LAST_PAGE_ASKED = 10**9


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """The page `number` (as asked for: a string, or None for the first) of `queryset`; a
    number past the end gives the last page, as `Paginator.get_page` does."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(queryset, per_page)
    if number > LAST_PAGE_ASKED:
        return paginator.get_page(number)
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(rows_in_list=Window(Count("pk")))[bottom : bottom + per_page])
    if rows:
        paginator.count = rows[0].rows_in_list
    elif number == 1:
        paginator.count = 0
    else:
        # Past the end (an old link): the last page, counted and read on its own.
        return paginator.get_page(number)
    return Page(rows, number, paginator)


class CountedWithPage(Paginator):
    """The paginator of a django-tables2 table whose rows cost as much to count as to sort
    (a scope that is a union of subqueries): the page read with its rows counted alongside
    (COUNT(*) OVER ()), the whole list evaluated once instead of twice; an empty first page
    counts none. A queryset the window would count wrongly (DISTINCT, a union, a slice), a
    paginator with orphans or a page past the end is counted on its own, as Django's
    paginator does."""

    def page(self, number):
        rows = self.object_list  # the table's BoundRows over its TableQuerysetData
        data = getattr(rows, "data", None)
        queryset = getattr(data, "data", None)
        if (
            not isinstance(queryset, QuerySet)
            or queryset.query.distinct
            or queryset.query.combinator
            or queryset.query.is_sliced
            or any((getattr(rows, "pinned_data", None) or {}).values())
        ):
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if number < 1 or number > LAST_PAGE_ASKED or self.orphans:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        records = list(
            queryset.annotate(rows_in_list=Window(Count("pk")))[bottom : bottom + self.per_page]
        )
        if not records and (number > 1 or not self.allow_empty_first_page):
            return super().page(number)  # past the end (an old link): counted, the last page
        count = records[0].rows_in_list if records else 0
        data._length = count  # what the table reports as its length
        self.__dict__["count"] = count  # Paginator.count, a cached property
        return self._get_page(type(rows)(data=records, table=rows.table), number, self)
