"""Signed links that work without logging in (eTOM 1.3.7.4, *Close Customer Problem Report*).

A link carries what it is for, signed with the ``SECRET_KEY`` (``django.core.signing``),
so it cannot be forged or altered; it holds no secret of its own and no row is written to
make one, which keeps bulk clearing bulk. Whether it may still be used is decided when it
is used, against the problem under its row lock (``problems.workflow.closing``):

- a *clearance link* (confirm, or not fixed) names the clearance it answers (the
  ``cleared`` event); once that clearance is answered (closed or reopened) the link is
  used, and once the problem is cleared again it is superseded. It expires when the
  confirmation window of that clearance ends.
- a *survey link* names the survey; an answer is final. It expires after
  ``SURVEY_LINK_DAYS`` days.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

CLEARANCE_SALT = "problems.links.clearance"
SURVEY_SALT = "problems.links.survey"
CONFIRM = "confirm"
REOPEN = "reopen"
ACTIONS = (CONFIRM, REOPEN)


class BadLink(Exception):
    """The link was altered, cut short or made up (``reason`` "invalid"), or has expired
    (``reason`` "expired")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClearanceLink:
    problem_id: int
    clearance_id: int  # the ``cleared`` ProblemEvent this link answers
    user_id: int  # the contact it was sent to, who acts when it is used
    action: str
    expires_at: datetime


def clearance_token(link: ClearanceLink) -> str:
    payload = {
        "p": link.problem_id,
        "c": link.clearance_id,
        "u": link.user_id,
        "a": link.action,
        "x": int(link.expires_at.timestamp()),
    }
    return signing.dumps(payload, salt=CLEARANCE_SALT)


def read_clearance_token(token: str, *, action: str) -> ClearanceLink:
    """The link, if the signature holds and it is a link for ``action``; else BadLink."""
    try:
        payload: Any = signing.loads(token, salt=CLEARANCE_SALT)
        link = ClearanceLink(
            problem_id=int(payload["p"]),
            clearance_id=int(payload["c"]),
            user_id=int(payload["u"]),
            action=str(payload["a"]),
            expires_at=datetime.fromtimestamp(int(payload["x"]), tz=UTC),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadLink("invalid") from None
    if link.action != action:
        raise BadLink("invalid")
    return link


def clearance_url(link: ClearanceLink) -> str:
    name = "closing:confirm" if link.action == CONFIRM else "closing:not_fixed"
    return settings.SITE_URL + reverse(name, args=[clearance_token(link)])


def survey_token(survey_id: int) -> str:
    return signing.dumps({"s": survey_id}, salt=SURVEY_SALT)


def read_survey_token(token: str) -> int:
    """The survey's id; BadLink("expired") after ``SURVEY_LINK_DAYS``, else "invalid"."""
    try:
        payload: Any = signing.loads(
            token, salt=SURVEY_SALT, max_age=timedelta(days=settings.SURVEY_LINK_DAYS)
        )
        return int(payload["s"])
    except signing.SignatureExpired:
        raise BadLink("expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadLink("invalid") from None


def survey_url(survey_id: int) -> str:
    return settings.SITE_URL + reverse("closing:survey", args=[survey_token(survey_id)])
