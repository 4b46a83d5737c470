"""What every inventory file shares: the result, a row's error, and reading a row's values."""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

TRUE = {"1", "true", "yes", "y", "on"}
FALSE = {"0", "false", "no", "n", "off"}


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.errors:
            return f"Nothing imported: {len(self.errors)} error(s)."
        return (
            f"{self.kind}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


class RowError(Exception):
    pass


@dataclass(frozen=True)
class Format:
    model: type[models.Model]
    columns: tuple[str, ...]
    required: tuple[str, ...]
    run: Callable[[list[dict[str, str]], ImportResult], None]


def each_row(
    rows: list[dict[str, str]], result: ImportResult, handle: Callable[[dict[str, str]], Any]
) -> None:
    for row in rows:
        try:
            handle(row)
        except RowError as error:
            result.errors.append(f"Line {row['_line']}: {error}")


def flag(row: dict[str, str], name: str, default: bool = True) -> bool:
    value = row.get(name, "").lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise RowError(f"{name} must be yes or no, not {row[name]!r}.")


def choice(row: dict[str, str], name: str, choices: type[models.TextChoices], default: str) -> str:
    value = row.get(name, "")
    if not value:
        return default
    by_label = {label.lower(): key for key, label in choices.choices}
    found = value if value in choices.values else by_label.get(value.lower())
    if found is None:
        raise RowError(f"{name} must be one of {', '.join(choices.values)}, not {value!r}.")
    return str(found)


def need(row: dict[str, str], *names: str) -> None:
    for name in names:
        if not row.get(name):
            raise RowError(f"{name} is required.")


def save(result: ImportResult, obj: models.Model, values: dict[str, Any]) -> None:
    """Create, or update the fields that changed (counted either way)."""
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        result.created += 1
        return
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        result.unchanged += 1
        return
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    result.updated += 1


def check(obj: models.Model, values: dict[str, Any]) -> None:
    """The model's own field validation (lengths, slugs, e-mail, URL) on the new values."""
    probe = copy.copy(obj)
    for name, value in values.items():
        setattr(probe, name, value)
    try:
        probe.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = [f"{name}: {' '.join(errs)}" for name, errs in error.message_dict.items()]
        raise RowError("; ".join(messages)) from None
