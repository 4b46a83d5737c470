"""Forms to report a problem (desk and portal), to change its details, and to attach files."""

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse, reverse_lazy

from problems.attachments import UploadRefused, check_upload, describe_limits
from problems.models import Category, Channel, Customer, CustomerProblem, Priority, User
from problems.service_catalogue import services_for_customer

DESK_CHANNELS = [(c.value, c.label) for c in (Channel.PHONE, Channel.EMAIL, Channel.DESK)]
# The customer's words for priority: how badly the problem hurts them.
IMPACT_CHOICES = [
    (Priority.CRITICAL, "Critical: the service is down for everyone"),
    (Priority.HIGH, "High: many people are affected or a key function fails"),
    (Priority.MEDIUM, "Medium: it works, but badly"),
    (Priority.LOW, "Low: a question or a small nuisance"),
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (up to ATTACHMENTS_PER_UPLOAD), each checked as it will be
    stored: size, type and content (problems.attachments)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("help_text", describe_limits())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise forms.ValidationError("Choose a file to attach.")
            return []
        if len(files) > settings.ATTACHMENTS_PER_UPLOAD:
            raise forms.ValidationError(
                f"Attach at most {settings.ATTACHMENTS_PER_UPLOAD} files at a time."
            )
        errors = []
        for upload in files:
            super().clean(upload, initial)
            try:
                check_upload(upload)
            except UploadRefused as refusal:
                errors.append(forms.ValidationError(str(refusal)))
        if errors:
            raise forms.ValidationError(errors)
        return files


CONTACT_OF_ANOTHER = "Choose a contact of this customer."
SUGGEST_AS_TYPED = {
    "hx-post": reverse_lazy("desk:suggestions"),
    "hx-trigger": "input changed delay:400ms, change",
    "hx-target": "#suggestions",
    "hx-params": "title,description,category",
    "hx-sync": "closest form:replace",
}


def contacts_of(customer_id: Any) -> Any:
    return User.objects.filter(customer_id=customer_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class ProblemCreateForm(forms.Form):
    """The desk reports a problem on behalf of a customer (phone, e-mail, at the desk)."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(is_active=True),
        required=False,
        empty_label="To be identified",
    )
    reported_by = forms.ModelChoiceField(
        label="Reporting contact",
        queryset=User.objects.none(),
        required=False,
        empty_label="(none)",
    )
    channel = forms.ChoiceField(choices=DESK_CHANNELS, initial=Channel.PHONE)
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False, empty_label="None"
    )
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.MEDIUM)
    service_label = forms.CharField(
        label="Affected service", required=False, max_length=200, help_text="Optional."
    )
    title = forms.CharField(label="Summary", max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label="Attachments", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer_id = (
            self.data.get("customer") if self.is_bound else self.initial.get("customer")
        ) or None
        contacts = (
            contacts_of(customer_id)
            if customer_id and str(customer_id).isdigit()
            else User.objects.filter(customer__isnull=False, is_active=True)
        )
        self.fields["reported_by"].queryset = contacts.select_related("customer")
        self.fields["reported_by"].label_from_instance = _contact_label
        self.fields["reported_by"].error_messages["invalid_choice"] = CONTACT_OF_ANOTHER
        # With htmx: the contacts follow the chosen customer, and known errors matching
        # the words typed so far are suggested as the agent types.
        self.fields["customer"].widget.attrs.update(
            {
                "hx-get": reverse("desk:contact_options"),
                "hx-target": f"#{self['reported_by'].auto_id}",
                "hx-swap": "innerHTML",
            }
        )
        for name in ("title", "description", "category"):
            self.fields[name].widget.attrs.update(SUGGEST_AS_TYPED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact, customer = data.get("reported_by"), data.get("customer")
        if contact is not None:
            if customer is None:
                data["customer"] = contact.customer  # the contact says who the customer is
            elif contact.customer_id != customer.pk:
                self.add_error("reported_by", CONTACT_OF_ANOTHER)
        return data


def _contact_label(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.customer})" if user.customer_id else name


class ProblemReportForm(forms.Form):
    """A customer reports a problem on the portal."""

    category = forms.ModelChoiceField(
        label="What is it about?",
        queryset=Category.objects.filter(is_active=True, is_security=False),
        empty_label="Choose…",
    )
    service = forms.TypedChoiceField(
        label="Which service?", coerce=int, required=False, empty_value=None
    )
    priority = forms.TypedChoiceField(
        label="How bad is it?", choices=IMPACT_CHOICES, coerce=int, initial=Priority.MEDIUM
    )
    title = forms.CharField(
        label="Summary", max_length=200, help_text="One line, e.g. “No internet at the shop”."
    )
    description = forms.CharField(
        label="What happens?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Since when, where, what you see, what you tried.",
    )
    files = MultipleFileField(label="Attachments", required=False)

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = services_for_customer(customer)
        if self.services:
            self.fields["service"].choices = [("", "Not sure / not listed"), *self.services]
        else:
            del self.fields["service"]  # no service data: do not ask

    def service_fields(self) -> dict[str, Any]:
        service_id = self.cleaned_data.get("service")
        labels = dict(self.services)
        if service_id is None or service_id not in labels:
            return {}
        return {"service_id": service_id, "service_label": labels[service_id]}


class ProblemEditForm(forms.Form):
    """The desk modifies the report: details, priority, or the customer once identified."""

    title = forms.CharField(label="Summary", max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(is_active=True),
        required=False,
        empty_label="To be identified",
    )
    reported_by = forms.ModelChoiceField(
        label="Reporting contact", queryset=User.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False, empty_label="None"
    )
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int)
    service_label = forms.CharField(label="Affected service", required=False, max_length=200)
    external_id = forms.CharField(
        label="External reference", required=False, max_length=100, help_text="Optional."
    )

    def __init__(self, *args: Any, problem: CustomerProblem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": problem.title,
                "description": problem.description,
                "customer": problem.customer_id,
                "reported_by": problem.reported_by_id,
                "category": problem.category_id,
                "priority": problem.priority,
                "service_label": problem.service_label,
                "external_id": problem.external_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.problem = problem
        customer_id = self.data.get("customer") if self.is_bound else problem.customer_id
        if customer_id and str(customer_id).isdigit():
            self.fields["reported_by"].queryset = contacts_of(customer_id)
        else:
            self.fields["reported_by"].queryset = User.objects.filter(
                customer__isnull=False, is_active=True
            ).select_related("customer")
        self.fields["reported_by"].label_from_instance = _contact_label
        self.fields["reported_by"].error_messages["invalid_choice"] = CONTACT_OF_ANOTHER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact, customer = data.get("reported_by"), data.get("customer")
        if contact is not None and customer is not None and contact.customer_id != customer.pk:
            self.add_error("reported_by", CONTACT_OF_ANOTHER)
        return data

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the problem's, for ``problem_update``."""
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if self.cleaned_data.get(name) != getattr(self.problem, name)
            and not (self.cleaned_data.get(name) in (None, "") and not getattr(self.problem, name))
        }


class AttachmentForm(forms.Form):
    files = MultipleFileField(label="Files")
    is_internal = forms.BooleanField(label="Internal (never shown to the customer)", required=False)

    def __init__(self, *args: Any, customer_facing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if customer_facing:
            del self.fields["is_internal"]
