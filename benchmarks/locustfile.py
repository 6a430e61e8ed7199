"""The mixed workload `benchmarks/loadtest.py` runs with locust (headless): SASAC reviewers and
enterprise users signed in with real sessions, doing what they do in a working day.

    reviewers (1 in 4 users): 进度看板 (first page, a status filter, a group filter), 工作台,
        the review queue, a review page, and now and then a decision (通过) through the API;
    enterprise users (3 in 4): 我的报送 (workspace), 工作台 when they may see it, and now and
        then an upload of a small PDF (a new version) through the API.

The accounts come from the JSON file in LOAD_ACCOUNTS (written by loadtest.py): usernames, the
shared password, and for each enterprise user the (enterprise, obligation, year) it may upload
to. An upload refused because the item is already approved (409) is what the product should
answer, not an error: it is counted apart (LOAD_OUTCOMES file), and so is a decision on a
submission someone else decided first."""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

ACCOUNTS: dict[str, Any] = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="_csrf_token" value="([0-9a-f]{64})"')
QUEUE_LINK = re.compile(r'href="/reviews/(\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTCOMES: Counter[str] = Counter()
_reviewers = iter(ACCOUNTS["reviewers"] * 100)
_enterprise = iter(ACCOUNTS["enterprise_users"] * 100)


@events.quitting.add_listener
def _write_outcomes(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOAD_OUTCOMES")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(dict(OUTCOMES), handle)


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(2, 8)  # a person reads the page before the next click
    account: dict[str, Any]
    form_token = ""

    def sign_in(self) -> None:
        """The session loadtest.py made for this account (a sign-in's row), then a page with a
        form for the CSRF token the API calls carry."""
        self.client.cookies.set("hegui_sid", self.account["session"])
        form = self.client.get("/account/password", name="GET /account/password")
        token = CSRF.search(form.text)
        self.form_token = token.group(1) if token else ""


class Reviewer(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.account = next(_reviewers)
        self.sign_in()

    @task(6)
    def board(self) -> None:
        self.client.get("/board", name="GET /board")

    @task(2)
    def board_filtered(self) -> None:
        status = random.choice(["overdue", "submitted", "returned", "due_soon"])
        self.client.get(f"/board?status={status}", name="GET /board?status=…")

    @task(1)
    def board_group(self) -> None:
        self.client.get("/board?group=UPG7", name="GET /board?group=UPG7")

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard", name="GET /dashboard (工作台)")

    @task(3)
    def queue(self) -> None:
        page = self.client.get("/reviews", name="GET /reviews")
        ids = QUEUE_LINK.findall(page.text)
        if ids:
            self.client.get(f"/reviews/{random.choice(ids)}", name="GET /reviews/{id}")

    @task(1)
    def decide(self) -> None:
        page = self.client.get("/reviews", name="GET /reviews")
        ids = QUEUE_LINK.findall(page.text)
        if not ids:
            OUTCOMES["review: queue empty"] += 1
            return
        with self.client.post(
            f"/api/v1/submissions/{random.choice(ids)}/review",
            json={"decision": "approve", "grade": "good"},
            headers={"X-CSRFToken": self.form_token},
            name="POST review (通过)",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                OUTCOMES["review: decided"] += 1
                response.success()
            elif response.status_code in (400, 409):  # decided by someone else meanwhile
                OUTCOMES["review: already decided"] += 1
                response.success()


class EnterpriseUser(SignedIn):
    weight = 3

    def on_start(self) -> None:
        self.account = next(_enterprise)
        self.sign_in()

    @task(6)
    def workspace(self) -> None:
        self.client.get("/workspace", name="GET /workspace (我的报送)")

    @task(2)
    def notifications(self) -> None:
        self.client.get("/notifications", name="GET /notifications")

    @task(1)
    def upload(self) -> None:
        enterprise_id, obligation_id, year = random.choice(self.account["items"])
        data = {
            "enterprise_id": str(enterprise_id),
            "obligation_id": str(obligation_id),
            "not_secret": "1",
        }
        if year:
            data["year"] = str(year)
        with self.client.post(
            "/api/v1/submissions",
            data=data,
            files={"files": ("材料.pdf", PDF, "application/pdf")},
            headers={"X-CSRFToken": self.form_token},
            name="POST /api/v1/submissions (upload)",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                OUTCOMES["upload: stored"] += 1
                response.success()
            elif response.status_code == 409:  # already approved (or exempt): the right answer
                OUTCOMES["upload: refused, already approved"] += 1
                response.success()
