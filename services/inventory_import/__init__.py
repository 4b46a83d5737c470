"""CSV import of the inventory: suppliers, resources, services, dependencies, subscriptions.

Each file is imported all or nothing: every row is checked first, and if any is wrong,
nothing is written and each error names its line. Rows are matched on their natural key
(a code, or customer + service + site), so importing a file again updates what changed and
adds nothing twice. Lookups are loaded once per file, and rows are written in bulk, so a
file of 100,000 subscriptions takes a handful of queries. The formats are in README.md.
"""

import csv
import io
from collections.abc import Iterable

from django.db import transaction

from problems.workflow._base import Actor, InvalidInput, require_permission
from services.inventory_import.formats import FORMATS
from services.inventory_import.rows import Format, ImportResult

__all__ = ["FORMATS", "ImportResult", "import_inventory_csv"]


def import_inventory_csv(
    kind: str, source: bytes | str | Iterable[str], *, actor: Actor
) -> ImportResult:
    """Import one CSV file of the given kind (see ``FORMATS``).

    Guard: a known kind, a header with the required columns; the actor may add and change
    that kind (supervisors). Any bad row: nothing is written, and the result lists errors.
    """
    if kind not in FORMATS:
        raise InvalidInput(f"Unknown inventory file; one of: {', '.join(FORMATS)}.", field="kind")
    spec = FORMATS[kind]
    name = spec.model._meta.model_name
    require_permission(actor, f"services.add_{name}", f"import {kind}")
    require_permission(actor, f"services.change_{name}", f"import {kind}")
    rows = _read(source, spec)
    result = ImportResult(kind)
    with transaction.atomic():
        spec.run(rows, result)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
    return result


def _read(source: bytes | str | Iterable[str], spec: Format) -> list[dict[str, str]]:
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The file is not UTF-8 text.") from None
    lines = io.StringIO(source) if isinstance(source, str) else source
    reader = csv.DictReader(lines)
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in spec.required if column not in header]
    if missing:
        raise InvalidInput(
            f"The header must name these columns: {', '.join(spec.columns)} "
            f"(missing: {', '.join(missing)})."
        )
    unknown = [column for column in header if column and column not in spec.columns]
    if unknown:
        raise InvalidInput(f"Unknown columns: {', '.join(unknown)}.")
    reader.fieldnames = header
    return [
        {k: (v or "").strip() for k, v in row.items() if k} | {"_line": str(reader.line_num)}
        for row in reader
    ]
