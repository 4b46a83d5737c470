"""Admin pages beside the model pages: the CSV import, and forms that run a workflow
operation on one object (a progress update, an escalation…)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from problems.workflow import WorkflowError
from services.inventory_import import FORMATS, import_inventory_csv


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, with a header row.")


class CsvImportMixin:
    """An "Import CSV" button on the change list, for one of ``FORMATS``."""

    import_kind: str
    change_list_template = "admin/services/change_list_import.html"

    def get_urls(self) -> list[URLPattern]:
        admin_site: admin.AdminSite = self.admin_site  # type: ignore[attr-defined]
        opts = self.model._meta  # type: ignore[attr-defined]
        return [
            path(
                "import/",
                admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return bool(
            self.has_add_permission(request)  # type: ignore[attr-defined]
            and self.has_change_permission(request)  # type: ignore[attr-defined]
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        extra = {
            "has_import_permission": self.has_import_permission(request),
            "import_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)  # type: ignore[misc, no-any-return]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = import_inventory_csv(
                    self.import_kind, form.cleaned_data["file"].read(), actor=request.user
                )
            except WorkflowError as error:
                form.add_error("file", error.message)
            else:
                if not result.errors:
                    self.message_user(request, str(result), messages.SUCCESS)  # type: ignore[attr-defined]
                    return HttpResponseRedirect(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                    )
                errors = result.errors
        spec = FORMATS[self.import_kind]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "title": f"Import {opts.verbose_name_plural} from CSV",
            "form": form,
            "errors": errors,
            "submit_label": "Import",
            "columns": spec.columns,
            "required": spec.required,
            "intro": "All or nothing: if any row is wrong, nothing is written and each "
            "error names its line. Rows are matched on their code (subscriptions on "
            "customer, service and site), so a file imported again updates what changed.",
        }
        return TemplateResponse(request, "admin/services/form_page.html", context)


def object_form_view(
    model_admin: Any,
    request: HttpRequest,
    object_id: str,
    *,
    form_class: type[forms.Form],
    title: str,
    submit_label: str,
    run: Callable[[Any, dict[str, Any]], Any],
    done: str,
    intro: str = "",
) -> HttpResponse:
    """A form about one object that runs a workflow operation and goes back to the object."""
    obj = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied
    opts = model_admin.model._meta
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(obj, form.cleaned_data)
        except WorkflowError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            model_admin.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "original": obj,
        "title": title,
        "form": form,
        "submit_label": submit_label,
        "intro": intro,
    }
    return TemplateResponse(request, "admin/services/form_page.html", context)
