"""What an uploaded file must be before it is stored: its name made safe, its size and
type within the limits of the settings, its first bytes agreeing with its extension.

Used by the forms (so the error shows next to the field) and again by the workflow (the
one door: an upload that skipped the form is checked all the same).
"""

import mimetypes
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

MAX_NAME_LENGTH = 120
# The first bytes of formats whose content we can recognise cheaply. A file called
# "invoice.pdf" that does not start like a PDF is refused: it is not what it says it is.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}


class UploadRefused(ValueError):
    """The file may not be attached; the message says why, fit to show."""


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def safe_name(name: str) -> str:
    """A name that is safe to store and to send back in a download header.

    Keeps only the last path component, folds accents to ASCII, replaces anything but
    letters, digits, dashes, dots and underscores, never starts with a dot, and keeps the
    extension when it has to shorten the name.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:  # a name that ends up empty, "." or ".."
        name = ""
    name = name.lstrip(".") or "attachment"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) < 12:
            name = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def allowed_extensions() -> list[str]:
    return list(settings.ATTACHMENT_ALLOWED_EXTENSIONS)


def describe_limits() -> str:
    return (
        f"Up to {filesizeformat(settings.ATTACHMENT_MAX_BYTES)} each; "
        f"{', '.join(allowed_extensions())}."
    )


def check_upload(upload: Any) -> CheckedUpload:
    """Check an uploaded file (Django ``UploadedFile``) and return its safe name and type.

    Raises UploadRefused with a message for the person who uploaded it.
    """
    name = safe_name(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise UploadRefused(f"{name} is empty.")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(
            f"{name} is {filesizeformat(size)}; files may be at most "
            f"{filesizeformat(settings.ATTACHMENT_MAX_BYTES)}."
        )
    extension = extension_of(name)
    if extension not in allowed_extensions():
        raise UploadRefused(
            f"{name}: files of this type cannot be attached. Allowed: "
            f"{', '.join(allowed_extensions())}."
        )
    signatures = SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise UploadRefused(f"{name} does not look like a .{extension} file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return CheckedUpload(name=name, content_type=content_type, size=size)
