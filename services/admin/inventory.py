"""Admin for the inventory: each model with its CSV import."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from services.admin._pages import CsvImportMixin
from services.models import Resource, Service, ServiceDependency, Subscription, Supplier


@admin.register(Supplier)
class SupplierAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "suppliers"
    list_display = ["name", "code", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "email"]


@admin.register(Resource)
class ResourceAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "resources"
    list_display = ["code", "name", "kind", "parent", "location", "supplier", "is_active"]
    list_filter = ["kind", "is_active", "supplier"]
    list_select_related = ["parent", "supplier"]
    search_fields = ["code", "name", "location"]
    autocomplete_fields = ["parent", "supplier"]


class DependencyInline(admin.TabularInline):
    model = ServiceDependency
    fk_name = "service"
    extra = 0
    autocomplete_fields = ["resource", "depends_on_service"]


@admin.register(Service)
class ServiceAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "services"
    list_display = [
        "name",
        "code",
        "kind",
        "impact_policy",
        "restoration_policy",
        "operations_team",
        "subscriber_count",
        "is_active",
    ]
    list_filter = ["kind", "impact_policy", "restoration_policy", "operations_team", "is_active"]
    list_select_related = ["operations_team"]
    search_fields = ["name", "code", "description"]
    inlines = [DependencyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).annotate(subscriber_total=Count("subscriptions"))

    @admin.display(description="subscriptions", ordering="subscriber_total")
    def subscriber_count(self, service: Service) -> int:
        return service.subscriber_total  # type: ignore[attr-defined]


@admin.register(ServiceDependency)
class ServiceDependencyAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "dependencies"
    list_display = ["service", "resource", "depends_on_service"]
    list_select_related = ["service", "resource", "depends_on_service"]
    list_filter = ["service"]
    search_fields = ["service__code", "resource__code", "depends_on_service__code"]
    autocomplete_fields = ["service", "resource", "depends_on_service"]


@admin.register(Subscription)
class SubscriptionAdmin(CsvImportMixin, admin.ModelAdmin):
    import_kind = "subscriptions"
    list_display = ["customer", "service", "site", "reference", "contact", "is_active"]
    list_filter = ["service", "is_active"]
    list_select_related = ["customer", "service", "contact"]
    search_fields = ["customer__name", "customer__code", "site", "reference"]
    autocomplete_fields = ["customer", "service", "contact"]
    show_full_result_count = False
