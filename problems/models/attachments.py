"""Files attached to a problem: screenshots, logs, letters.

The file lives in Django's default storage under a key we choose (never the uploaded
name alone, so two "screenshot.png" never collide and no name can climb out of the
folder); the sanitised original name is kept to show and to offer on download. Files are
served only through a view that checks who may see the problem, never from MEDIA_URL.
"""

from uuid import uuid4

from django.db import models
from django.utils import timezone

from problems.models.accounts import User
from problems.models.problem import CustomerProblem


def attachment_key(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.problem_id}/{uuid4().hex}/{filename}"


class Attachment(models.Model):
    problem = models.ForeignKey(
        CustomerProblem, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_key, max_length=300)
    original_name = models.CharField(max_length=150, help_text="Sanitised name as uploaded.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=150)
    is_internal = models.BooleanField(
        default=False, help_text="Internal files are never shown to the customer."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["problem", "created_at"], name="attachment_problem_time")]

    def __str__(self) -> str:
        return self.original_name
