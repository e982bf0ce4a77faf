"""A background job run every N seconds as an asyncio task, started and stopped with the runtime.

Nothing starts at import or at build: `every(runtime, ...)` hooks the job onto the runtime's start and stop. A
failed round is logged and the next round runs as planned, so one bad round never ends the job.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from mmp_servicekit.runtime import Runtime

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 6.0
"""A round in flight may finish its writes (or one platform call, at most 5 s) before it is cancelled."""


class Periodic:
    def __init__(self, name: str, seconds: float, action: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.seconds = seconds
        self.action = action
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        # a stop flag first, as the relay does: cancelling a task inside asyncio.timeout may be swallowed on 3.11
        self._stop.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.action()
            except Exception:
                log.exception("%s: this round failed; the next one runs in %ss", self.name, self.seconds)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.seconds):
                    await self._stop.wait()


def every(runtime: Runtime, name: str, seconds: float, action: Callable[[], Awaitable[object]]) -> Periodic:
    """The job, started once the runtime is and stopped before its store and HTTP client close."""
    job = Periodic(name, seconds, action)
    runtime.on_start.append(job.start)
    runtime.on_stop.insert(0, job.stop)
    return job
