"""Every metric the Grafana dashboards and the Prometheus alert rules read is served by the running system: a
customer goes through the saga, then each service's /metrics is scraped and every metric name in every panel
query and rule (a histogram's `_bucket`, `_sum`, `_count` series included) must be among the samples, with every
label the expression selects on; metrics made outside the services are declared once (`EXTERNAL`)."""

import asyncio
import random
import secrets
import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "observability"))

from observability_support import (
    EXTERNAL,
    Scrape,
    dashboard_expressions,
    metric_names,
    rule_expressions,
    unknown_labels,
    unknown_metrics,
)

from mmp_devstack.client import MmpClient
from mmp_devstack.scenarios import command, customer

pytestmark = pytest.mark.e2e

SCRAPE_SECONDS = 30
"""The gauges computed in the background appear within one refresh (5 s); the consumer lag once each consumer
has fetched."""


async def scrape(client: MmpClient) -> Scrape:
    scraped = Scrape()
    async with httpx.AsyncClient(timeout=10) as http:
        for url in client.config.service_urls.values():
            response = await http.get(f"{url}/metrics")
            response.raise_for_status()
            scraped.add(response.text)
    return scraped


async def test_every_metric_the_dashboards_and_alerts_read_is_served(client: MmpClient) -> None:
    accepted = await client.create_customer(
        command(customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-"))
    )
    assert accepted.status_code == 202, accepted.text
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    assert record["status"] == "ACTIVE", record

    expressions = [*dashboard_expressions(), *rule_expressions()]
    assert expressions
    deadline = time.monotonic() + SCRAPE_SECONDS
    while True:
        scraped = await scrape(client)
        missing = unknown_metrics(expressions, scraped) + unknown_labels(expressions, scraped)
        if not missing or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    assert not missing, "read by a panel or rule but not served:\n" + "\n".join(missing)

    # the external list holds only what something does read
    read = {name for expression in expressions for name in metric_names(expression.promql)}
    assert set(EXTERNAL) <= read
    # the saga just run is in the numbers the dashboards show
    assert scraped.labels_of("mmp_saga_duration_seconds_count") >= {"kind", "outcome"}
    assert scraped.labels_of("mmp_consumer_lag_messages") >= {"group", "topic"}
