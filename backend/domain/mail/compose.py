"""The Chinese subject and body of one e-mail, from the templates under `templates/mail/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import jinja2

from backend.lib.timeutil import cn_date
from backend.settings import get_settings


@dataclass(frozen=True, slots=True)
class MailFacts:
    """What the e-mail names besides the message itself (each may be empty)."""

    enterprise: str = ""
    obligation: str = ""
    clause: str = ""
    due_on: dt.date | None = None  # the due date, or a finding's 整改时限
    finding: str = ""  # a 整改台账 finding's description (shortened), for its reminders


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # Plain text: no HTML escaping, but undefined names fail loudly in tests.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(get_settings().templates_dir / "mail"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def absolute_link(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return get_settings().base_url + (link if link.startswith("/") else "/" + link)


def compose(
    *, recipient: str, title: str, body: str, link: str, facts: MailFacts | None = None
) -> tuple[str, str]:
    """(subject, body) for one message to `recipient` (a display name)."""
    env = _environment()
    facts = facts or MailFacts()
    context = {
        "recipient": recipient or "您好",
        "title": title,
        "body": body,
        "link": absolute_link(link),
        "facts": {
            "enterprise": facts.enterprise,
            "obligation": facts.obligation,
            "clause": facts.clause,
            "finding": facts.finding,
            "due_on": cn_date(facts.due_on) if facts.due_on else "",
        },
    }
    # A subject is one line whatever the title holds (no header injection).
    subject = " ".join(env.get_template("subject.txt").render(context).split())
    text = env.get_template("body.txt").render(context)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return subject[:300], text.strip() + "\n"
