"""Create an API client from the command line (as the admin does) and print its token."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from problemdesk.api.clients import api_client_create
from problemdesk.api.models import ApiClient
from problemdesk.api.models.clients import RATE_PATTERN
from problems.models import Customer


class Command(BaseCommand):
    help = "Create an API client and print its bearer token (shown once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--customer", help="A customer's account code: scope the client to it.")
        parser.add_argument("--rate", default="", help="Requests allowed, e.g. 600/min.")

    def handle(self, *args: object, **options: str) -> None:
        if ApiClient.objects.filter(name=options["name"]).exists():
            raise CommandError(f"There is already a client named {options['name']!r}.")
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(code__iexact=options["customer"]).first()
            if customer is None:
                raise CommandError(f"No customer has the account code {options['customer']!r}.")
        if options["rate"] and not RATE_PATTERN.match(options["rate"]):
            raise CommandError("Write the rate like 600/min, 20/s or 10000/hour.")
        _, token = api_client_create(
            name=options["name"], customer=customer, rate_limit=options["rate"]
        )
        self.stdout.write(token)
