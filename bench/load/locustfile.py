"""The load scenario `make bench` runs (bench/suites/load.py starts gunicorn and this file headless):
a department liaison browsing pages and list filters, the office browsing lists, and an integration posting
appeals through the API with idempotency keys. Sessions and the token come from the environment."""

import itertools
import os
import random

from locust import HttpUser, between, task

LIAISON_SESSION = os.environ["LOAD_LIAISON_SESSION"]
OFFICE_SESSION = os.environ["LOAD_OFFICE_SESSION"]
TOKEN = os.environ["LOAD_API_TOKEN"]
TASK_IDS = [int(x) for x in os.environ["LOAD_TASK_IDS"].split(",") if x]
APPEAL_IDS = [int(x) for x in os.environ["LOAD_APPEAL_IDS"].split(",") if x]
CREDIT_CODE = os.environ["LOAD_CREDIT_CODE"]
_serial = itertools.count(1)


class Liaison(HttpUser):
    weight = 3
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.client.cookies.set("sessionid", LIAISON_SESSION)

    @task(3)
    def my_tasks(self):
        self.client.get("/ledger/mine/", name="page: my tasks")

    @task(3)
    def ledger_filtered(self):
        state = random.choice(["in_progress", "not_started", "close_requested", ""])
        self.client.get(f"/ledger/?state={state}&q=企业", name="list: ledger filtered")

    @task(2)
    def task_page(self):
        self.client.get(f"/ledger/tasks/{random.choice(TASK_IDS)}/", name="page: task")

    @task(2)
    def appeals_queue(self):
        self.client.get("/appeals/?state=dispatched", name="list: appeals filtered")


class Office(HttpUser):
    weight = 2
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.client.cookies.set("sessionid", OFFICE_SESSION)

    @task(2)
    def home(self):
        self.client.get("/", name="page: home")

    @task(3)
    def appeals_filtered(self):
        category = random.choice(["help", "complaint", "suggestion", ""])
        self.client.get(
            f"/appeals/?category={category}&page={random.randint(1, 5)}", name="list: appeals filtered"
        )

    @task(2)
    def appeal_page(self):
        self.client.get(f"/appeals/{random.choice(APPEAL_IDS)}/", name="page: appeal")

    @task(2)
    def ledger_list(self):
        self.client.get(f"/ledger/?page={random.randint(1, 5)}", name="list: ledger filtered")


class Integration(HttpUser):
    weight = 1
    wait_time = between(0.2, 0.6)

    @task
    def intake(self):
        n = next(_serial)
        key = f"load-{os.getpid()}-{id(self)}-{n}"
        body = {
            "enterprise_name": "压测企业有限公司",
            "credit_code": CREDIT_CODE,
            "contact_name": "压测联系人",
            "contact_phone": "13800000000",
            "category": "help",
            "title": f"压测诉求{n}",
            "description": f"诉求：压测第{n}件，{random.randint(0, 10**9)}号厂区道路破损，请求协调修复。",
        }
        headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": key}
        for _attempt in range(1 + (n % 5 == 0)):  # every fifth request is retried with the same key
            self.client.post("/api/appeals/", json=body, headers=headers, name="api: intake")
