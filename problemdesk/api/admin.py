"""Admin: API clients (created and revoked here; the token is shown once), listeners, the
event outbox, deliveries, and dead letters with their re-drive."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from problemdesk.api.clients import api_client_create, api_client_rekey, api_client_revoke
from problemdesk.api.hub.delivery import redrive
from problemdesk.api.hub.registry import REGISTRY
from problemdesk.api.hub.subscriptions import parse_hub_query, subscription_remove
from problemdesk.api.hub.transport import CallbackRefused, check_callback
from problemdesk.api.models import ApiClient, DeadLetter, Delivery, EventSubscription, HubEvent


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "customer",
        "token_prefix",
        "rate_limit",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "customer"]
    search_fields = ["name", "description", "customer__name", "token_prefix"]
    list_select_related = ["customer"]
    actions = ["revoke", "rekey"]
    fields = [
        "name",
        "description",
        "customer",
        "rate_limit",
        "user",
        "token_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "token_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The scope is the service user's identity: to change it, make a new client.
        return (
            [*self.readonly_fields, "customer"] if obj is not None else list(self.readonly_fields)
        )

    def save_model(
        self, request: HttpRequest, obj: ApiClient, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, token = api_client_create(
            name=obj.name,
            customer=obj.customer,
            description=obj.description,
            rate_limit=obj.rate_limit,
            created_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = client.pk
        obj.refresh_from_db()
        self.message_user(
            request,
            f"The token of {client.name} is {token} — copy it now: it is not stored and will not "
            "be shown again.",
            messages.WARNING,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the event log names the client's service user

    @admin.action(description="Revoke (the token stops working at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            api_client_revoke(client)
        self.message_user(request, f"Revoked {queryset.count()} client(s).", messages.SUCCESS)

    @admin.action(description="Issue a new token (the old one stops working)")
    def rekey(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset.filter(revoked_at__isnull=True):
            token = api_client_rekey(client)
            self.message_user(
                request, f"New token of {client.name}: {token} — copy it now.", messages.WARNING
            )


class SubscriptionForm(ModelForm):
    class Meta:
        model = EventSubscription
        fields = ["api", "callback", "query", "secret", "owner", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        api = REGISTRY.get(data.get("api", ""))
        if api is None:
            self.add_error("api", f"One of: {', '.join(sorted(REGISTRY))}.")
            return data
        try:
            check_callback(data.get("callback") or "")
        except CallbackRefused as refused:
            self.add_error("callback", str(refused))
        try:
            self.instance.criteria = parse_hub_query(api, data.get("query") or "")
        except ValueError as error:
            self.add_error("query", str(error))
        return data


@admin.register(EventSubscription)
class EventSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["id", "api", "callback", "query", "owner", "is_active", "created_at"]
    list_filter = ["api", "is_active"]
    search_fields = ["callback", "query", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    actions = ["deactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate: deliveries and dead letters keep their listener

    @admin.action(description="Deactivate (pending deliveries are cancelled)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[EventSubscription]) -> None:
        for subscription in queryset.filter(is_active=True):
            subscription_remove(subscription)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HubEvent)
class HubEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "event_type", "api", "resource_id", "event_id"]
    list_filter = ["api", "event_type"]
    search_fields = ["resource_id", "event_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


class DeliveryAdminBase(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_select_related = ["event", "subscription"]
    search_fields = ["resource_id", "last_error", "subscription__callback"]
    show_full_result_count = False
    actions = ["redrive_now"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing the detail page needs "view"; the re-drive action needs "change".
        return bool(request.user.has_perm("api.change_delivery"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Delivery._meta.fields]

    @admin.action(description="Re-drive now (a fresh set of attempts)", permissions=["change"])
    def redrive_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = redrive(list(queryset.values_list("pk", flat=True)))
        noun = "delivery" if count == 1 else "deliveries"
        self.message_user(
            request, f"Re-driven {count} {noun} at {timezone.now():%H:%M:%S}.", messages.SUCCESS
        )


@admin.register(Delivery)
class DeliveryAdmin(DeliveryAdminBase):
    list_filter = ["status", "subscription__api"]


@admin.register(DeadLetter)
class DeadLetterAdmin(DeliveryAdminBase):
    list_display = [
        "id",
        "event",
        "subscription",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
    ]
    list_filter = ["subscription__api"]
