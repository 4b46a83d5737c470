"""Trigram indexes for the desk's free-text search (PostgreSQL only).

The queue searches title and description with ``icontains``, which Django writes as
``UPPER(column::text) LIKE UPPER('%words%')``; a GIN trigram index on that expression
turns a scan of every problem into an index lookup. SQLite has no such index and skips
this migration. Built CONCURRENTLY so that a large table keeps taking writes meanwhile.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLE = "problems_customerproblem"
INDEXES = {
    "problem_title_trigram": 'UPPER("title"::text) gin_trgm_ops',
    "problem_description_trigram": 'UPPER("description"::text) gin_trgm_ops',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {TABLE} USING gin ({expression})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("problems", "0003_desk_queue_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, atomic=False),
    ]
