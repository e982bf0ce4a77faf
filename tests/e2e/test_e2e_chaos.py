"""`mmp chaos` at a small scale on a stack of its own: every invariant holds after the faults, and the checks do
catch a world that breaks them (a tenant nobody owns, a SIP user gone, a second welcome mail, a DID taken twice).

The stack is this module's own (its processes are killed and restarted), on ports of its own, with the broker and
store the tier chooses (`MMP_E2E_BROKER`, `MMP_E2E_STORE`); on Apache Kafka the broker is restarted too."""

import os
import smtplib
import tempfile
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from mmp_devstack.chaos import Campaign, ChaosOptions, Outcome
from mmp_devstack.config import Ports, StackConfig
from mmp_devstack.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(1_200)]

CHAOS_PORTS = Ports.shifted(17_500)
REPO_CACHE = Path(__file__).resolve().parents[2] / ".mmp"
OPTIONS = ChaosOptions(
    customers=40,
    workers=8,
    seed=20_261_202,
    platform_failures=0.08,
    platform_slow=0.05,
    kills=("platform-svc", "customer-svc"),
    terms=("notify-svc",),
    second_instances=("micollab-svc",),
    poison_rounds=1,
    quiesce_seconds=240,
    task_seconds=90,
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def campaign() -> AsyncIterator[tuple[Campaign, Outcome]]:
    with tempfile.TemporaryDirectory(prefix="mmp-chaos-") as workdir:
        config = StackConfig(
            ports=CHAOS_PORTS,
            admin_token="chaos-admin-token-5d1e",
            workdir=Path(workdir),
            cache=REPO_CACHE,
            broker=os.environ.get("MMP_E2E_BROKER", "tansu"),
            store=os.environ.get("MMP_E2E_STORE", "sqlite"),
            mongo_url=os.environ.get("MMP_MONGO_URL"),
        )
        stack = Stack(config)
        try:
            await stack.start()
            chaos = Campaign(config, OPTIONS, stack)
            try:
                outcome = await chaos.run_all()
                print(outcome.tables)
                yield chaos, outcome
            finally:
                await chaos.close()
        except BaseException:
            for process in stack.processes:
                print(f"--- {process.name}\n{process.tail(40)}")
            raise
        finally:
            stack.stop()


async def test_a_small_campaign_leaves_every_invariant_true(campaign: tuple[Campaign, Outcome]) -> None:
    chaos, outcome = campaign
    failed = [invariant for invariant in outcome.invariants if not invariant.ok]
    assert not failed, outcome.tables
    customers = outcome.world.customers
    assert len({c["webid"] for c in customers}) >= OPTIONS.customers * 0.9, "most customers were made"
    assert any(c["status"] == "ACTIVE" for c in customers)
    assert chaos.log.restarts, "the faults did happen"
    assert chaos.poisons, "poison was sent"


async def test_the_checks_name_what_breaks_them(campaign: tuple[Campaign, Outcome]) -> None:
    """The world is broken on purpose, behind the services' backs; the checks must say where."""
    chaos, outcome = campaign
    config = chaos.config
    active = [c for c in outcome.world.customers if c["status"] == "ACTIVE"]
    assert len(active) >= 2, outcome.tables
    first, second = active[0], active[1]
    async with httpx.AsyncClient(timeout=10) as http:
        mivb, mbg = config.simulator_urls["mivb"], config.simulator_urls["mbg"]
        (await http.put(f"{mivb}/api/tenants/orphan-{chaos.run.tag}", json={"name": "nobody's"})).raise_for_status()
        username = first["spec"]["first_user"]["username"]
        sip_user = f"{mbg}/api/customers/{first['customer_id']}/sip-users/{username}"
        (await http.delete(sip_user)).raise_for_status()
        taken = second["spec"]["did_ranges"][0]
        numbers = f"{taken['start']}-{taken['end']}"
        orphan_numbers = f"{mivb}/api/tenants/orphan-{chaos.run.tag}/dids/{numbers}"
        assert (await http.put(orphan_numbers)).status_code == 409, "the MiVB itself refuses a DID held by another"
        (await http.delete(f"{mivb}/api/tenants/{second['customer_id']}/dids/{numbers}")).raise_for_status()
        (await http.put(orphan_numbers)).raise_for_status()
    resend_welcome(config, first)

    again = await chaos.check()
    named = {invariant.name: invariant.violations for invariant in again.invariants}
    platforms = violations_of(named, "platforms hold")
    assert any(f"orphan-{chaos.run.tag}" in line for line in platforms), platforms
    assert any(first["customer_id"] in line and "SIP users" in line for line in platforms), platforms
    dids = violations_of(named, "no DID on two customers")
    assert any(second["customer_id"] in line and f"orphan-{chaos.run.tag}" in line for line in dids), dids
    mails = violations_of(named, "exactly one welcome mail")
    assert any(first["customer_id"] in line and "2 different welcome mails" in line for line in mails), mails
    assert not again.ok


def violations_of(named: dict[str, list[str]], start: str) -> list[str]:
    return next(lines for name, lines in named.items() if name.startswith(start))


def resend_welcome(config: StackConfig, customer: dict[str, Any]) -> None:
    """A second, different welcome mail to the customer's first user, straight to the SMTP server."""
    mail = EmailMessage()
    mail["From"] = "provisioning@mmp.example"
    mail["To"] = customer["spec"]["first_user"]["email"]
    mail["Subject"] = "Welcome again"
    mail["Message-ID"] = f"<welcome.{customer['customer_id']}@mmp.example>"
    mail.set_content("a second link: https://portal.example/set-password?token=forged")
    with smtplib.SMTP(config.host, config.ports.smtp, timeout=10) as smtp:
        smtp.send_message(mail)
