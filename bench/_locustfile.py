"""Locust user for bench/load_http.py: one endpoint, closed loop (no think time).

Configured by environment: BENCH_PATH (URL path), BENCH_HEADERS (JSON object).
"""

import json
import os

from locust import HttpUser, constant, task


class EndpointUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.client.headers.update(json.loads(os.environ.get("BENCH_HEADERS", "{}")))

    @task
    def get(self):
        with self.client.get(os.environ["BENCH_PATH"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
