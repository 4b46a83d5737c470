from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from problems.workflow import SYSTEM, WorkflowError
from services.inventory_import import FORMATS, import_inventory_csv


class Command(BaseCommand):
    help = (
        "Import an inventory CSV file (all or nothing; see README.md, 'Service problem "
        "management', for the columns). Import suppliers, resources and services before the "
        "dependencies and subscriptions that name them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(FORMATS))
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            result = import_inventory_csv(str(options["kind"]), path.read_bytes(), actor=SYSTEM)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except WorkflowError as error:
            raise CommandError(error.message) from None
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
