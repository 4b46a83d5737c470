"""Satisfaction surveys of the demo's closed problems: most answered, scores spread from 1
to 5 (mostly content customers, a tail of unhappy ones), some still waiting, some reminded.
Written with the problems' other children (``problems.demo.history``), by COPY in bulk."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

SCORES = [(5, 34), (4, 30), (3, 16), (2, 10), (1, 10)]
ANSWERED_SHARE = 0.62
COMMENTS = {
    5: ["Fixed the same day, thank you!", "Very friendly engineer.", "", "Great follow-up."],
    4: ["Good, a bit slow to start.", "Fine.", "", "Clear updates, thanks."],
    3: ["It took a while.", "OK in the end.", ""],
    2: ["Too many calls to get an answer.", "Nobody told us it was fixed.", ""],
    1: ["Three days without internet is unacceptable.", "We had to chase you twice."],
}


def survey_record(
    rng: random.Random,
    *,
    customer_id: int | None,
    contact: Any,
    closed_at: datetime,
    now: datetime,
    is_security: bool,
) -> dict[str, Any] | None:
    """The survey row of a problem closed at ``closed_at``, as the close would have left it
    by ``now`` (None where no survey is sent: no customer, a security event, no address)."""
    if customer_id is None or is_security or not contact.email or closed_at >= now:
        return None
    sent_at = closed_at + timedelta(minutes=rng.uniform(0.2, 3))
    record: dict[str, Any] = {
        "customer_id": customer_id,
        "created_at": closed_at,
        "recipient_id": contact.pk,
        "sent_to": contact.email,
        "sent_at": sent_at if sent_at < now else None,
        "reminder_sent_at": None,
        "answered_at": None,
        "score": None,
        "comment": "",
    }
    if record["sent_at"] is None:
        return record
    reminder_at = sent_at + timedelta(days=settings.SURVEY_REMINDER_DAYS)
    if rng.random() < ANSWERED_SHARE:
        reminded = rng.random() < 0.2 and reminder_at < now
        start = reminder_at if reminded else sent_at
        answered_at = start + timedelta(hours=rng.uniform(0.1, 40))
        if answered_at < now:
            score = rng.choices([s for s, _ in SCORES], weights=[w for _, w in SCORES])[0]
            record.update(
                answered_at=answered_at,
                score=score,
                comment=rng.choice(COMMENTS[score]),
                reminder_sent_at=reminder_at if reminded else None,
            )
            return record
    if reminder_at < now:
        record["reminder_sent_at"] = reminder_at
    return record
