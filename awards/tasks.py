"""Background tasks (Django's tasks API through django-tasks; the database backend in
production, so a worker – `manage.py db_worker` – runs them on SQLite and PostgreSQL alike,
and another backend can replace it without a change here)."""

from __future__ import annotations

from django_tasks import task

from .services import exports


@task()
def build_export_part(export_id: str, part: int) -> None:
    """One cluster-year's documents (or the overview) of a download; see services.exports."""
    exports.build_part(export_id, part)
