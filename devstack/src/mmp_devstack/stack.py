"""The whole system on one machine: broker, SMTP, simulators and the four services as processes."""

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable

import httpx
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mmp_contracts import topics
from mmp_devstack import sandbox
from mmp_devstack.config import StackConfig
from mmp_devstack.infra import ferretdb, kafka, tansu
from mmp_devstack.processes import ManagedProcess, python_module

SERVICES = ("customer-svc", "platform-svc", "micollab-svc", "notify-svc")
PORT_VARIABLES = {
    "customer-svc": "MMP_CUSTOMER_PORT",
    "platform-svc": "MMP_PLATFORM_PORT",
    "micollab-svc": "MMP_MICOLLAB_PORT",
    "notify-svc": "MMP_NOTIFY_PORT",
}


class StackFailed(RuntimeError):
    pass


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.logs = config.workdir / "logs"
        self.processes: list[ManagedProcess] = []

    async def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        config, ports = self.config, self.config.ports
        # The simulators start empty, so the broker and the stores must too; the stores persist only for a
        # service that crashes and restarts while this stack runs.
        for fresh in (config.store_dir, config.data_dir):
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir(parents=True)
        if config.kafka_bootstrap is None:
            broker = kafka if config.broker == "kafka" else tansu
            self._spawn("broker", await asyncio.to_thread(broker.command, config))
        runs_ferretdb = config.mongo_url is None and config.store == "ferretdb"
        if runs_ferretdb:
            self._spawn("ferretdb", await asyncio.to_thread(ferretdb.command, config))
        await self._create_topics()
        if runs_ferretdb:
            await self._retry_until(lambda: _accepts(config.host, ports.ferretdb), "FerretDB to accept connections")
        if config.smtp_url is None:
            self._spawn(
                "mail",
                python_module(
                    "mmp_devstack.mailcatcher", "--smtp-port", str(ports.smtp), "--http-port", str(ports.mail_http)
                ),
            )
        self._spawn(
            "simulators",
            python_module(
                "mmp_simulators",
                "--pm-port",
                str(ports.pm),
                "--mivb-port",
                str(ports.mivb),
                "--micollab-port",
                str(ports.micollab_sim),
                "--mbg-port",
                str(ports.mbg),
                f"--pm-username={config.pm_username}",
                f"--pm-password={config.pm_password}",
            ),
        )
        for service in SERVICES:
            self._spawn(service, python_module(service.replace("-", "_")), self._service_env(service))
        async with httpx.AsyncClient(timeout=5) as http:
            await self._until_ready(http)
            await sandbox.prepare(config, http)
        self._write_session()

    def _write_session(self) -> None:
        """What `mmp customer-token` and `--attach` need of this stack, readable by its owner only."""
        session = self.config.workdir / "stack.env"
        session.touch(mode=0o600)
        session.write_text(f"MMP_ADMIN_TOKEN={self.config.admin_token}\nMMP_TOKEN_SECRET={self.config.token_secret}\n")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()

    def process(self, name: str) -> ManagedProcess:
        return next(p for p in self.processes if p.name == name)

    def start_instance(self, service: str, name: str, port: int) -> ManagedProcess:
        """Another process of `service` on its own HTTP port, with the same store and consumer group: it joins the
        group as a second member (a rolling deploy, a scale-out). `retire` stops it."""
        self._spawn(
            name,
            python_module(service.replace("-", "_")),
            self._service_env(service) | {PORT_VARIABLES[service]: str(port)},
        )
        return self.processes[-1]

    def retire(self, process: ManagedProcess) -> int | None:
        """Stops a process gently (SIGTERM) and forgets it: the group rebalances without it."""
        code = process.stop()
        self.processes.remove(process)
        return code

    async def wait_until_ready(self, service: str) -> None:
        url = f"{self.config.service_urls[service]}/ready"
        async with httpx.AsyncClient(timeout=5) as http:
            await self._retry_until(lambda: _ok(http, url), url)

    def _service_env(self, service: str) -> dict[str, str]:
        config, ports = self.config, self.config.ports
        broker = kafka if config.broker == "kafka" else tansu
        env = {
            "MMP_KAFKA_BOOTSTRAP": config.bootstrap,
            **broker.CLIENT_SETTINGS,
            "MMP_STORE_URL": config.store_url(service),
            "MMP_SMTP_URL": config.smtp,
            "MMP_ADMIN_TOKEN": config.admin_token,
            "MMP_SECRETS_KEY": config.secrets_key,
            "MMP_TOKEN_SECRET": config.token_secret,
            "MMP_CUSTOMER_PORT": str(ports.customer),
            "MMP_PLATFORM_PORT": str(ports.platform),
            "MMP_MICOLLAB_PORT": str(ports.micollab),
            "MMP_NOTIFY_PORT": str(ports.notify),
        }
        if config.kafka_sasl_ssl is not None:
            env |= kafka.sasl_ssl_settings(config)  # the services reach Kafka over SASL_SSL only
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        process = ManagedProcess(name, argv, env or {}, self.logs)
        process.start()
        self.processes.append(process)

    async def _create_topics(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.config.bootstrap)
        await self._retry_until(admin.start, "the broker to accept connections")
        try:
            await self._retry_until(lambda: self._create_missing_topics(admin), "the broker to create the topics")
        finally:
            await admin.close()

    async def _create_missing_topics(self, admin: AIOKafkaAdminClient) -> None:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(t, self.config.partitions, 1) for t in topics.ALL if t not in existing]
        wanted += [NewTopic(topics.dead_letter(t), 1, 1) for t in topics.ALL if topics.dead_letter(t) not in existing]
        if wanted:
            # Errors come back per topic, not raised: Kafka refuses topics until its broker has registered.
            response = await admin.create_topics(wanted)
            refused = {topic: code for topic, code, *_ in response.topic_errors if code}
            if refused:
                raise StackFailed(f"the broker refused to create topics (error codes): {refused}")

    async def _until_ready(self, http: httpx.AsyncClient) -> None:
        probes = [f"{url}/ready" for url in self.config.service_urls.values()]
        probes += [f"{url}/_sim/state" for url in self.config.simulator_urls.values()]
        if self.config.smtp_url is None:
            probes.append(f"{self.config.url(self.config.ports.mail_http)}/messages")

        for url in probes:
            await self._retry_until(lambda url=url: _ok(http, url), url)  # type: ignore[misc]

    async def _retry_until(self, attempt: Callable[[], Awaitable[object]], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            dead = [p for p in self.processes if not p.alive()]
            if dead:
                raise StackFailed(f"{dead[0].name} exited:\n{dead[0].tail()}")
            try:
                await attempt()
                return
            except Exception as error:
                if time.monotonic() > deadline:
                    raise StackFailed(f"timed out waiting for {what}: {error!r}") from error
                await asyncio.sleep(0.1)


async def _accepts(host: str, port: int) -> None:
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    await writer.wait_closed()


async def _ok(http: httpx.AsyncClient, url: str) -> None:
    response = await http.get(url)
    response.raise_for_status()
