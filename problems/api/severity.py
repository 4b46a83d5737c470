"""Severity (the caller's words, kept as given) → our priority (which drives the SLA).

The TMF621 ``severity`` is free text ("Critical, Major, Minor" in the spec's example,
"Urgent" in its sample ticket). We keep what the caller sent and derive our priority from
it, case-insensitively; a word we do not know gives Medium. ``priority`` in the ticket is
ours: a client's ``priority`` is ignored, as the spec says the system sets it.
"""

from problems.models import Priority

SEVERITY_PRIORITY: dict[str, int] = {
    **dict.fromkeys(
        ("critical", "urgent", "blocker", "emergency", "fatal", "outage", "1"), Priority.CRITICAL
    ),
    **dict.fromkeys(("major", "high", "serious", "severe", "2"), Priority.HIGH),
    **dict.fromkeys(
        ("minor", "medium", "moderate", "normal", "average", "degraded", "3"), Priority.MEDIUM
    ),
    **dict.fromkeys(
        ("low", "trivial", "cosmetic", "warning", "informational", "info", "4", "5"), Priority.LOW
    ),
}
DEFAULT_PRIORITY = Priority.MEDIUM


def priority_for(severity: str) -> int:
    return SEVERITY_PRIORITY.get(severity.strip().lower(), DEFAULT_PRIORITY)


def priority_label(priority: int) -> str:
    return str(Priority(priority).label) if priority in Priority.values else ""


PRIORITY_BY_LABEL = {str(choice.label): int(choice.value) for choice in Priority}
