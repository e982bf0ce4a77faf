"""What every simulator has in common: reported system info, product state and faults."""

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from mmp_simulators.faults import FaultInjector

JsonObject = dict[str, Any]


class ProductState(Protocol):
    def snapshot(self) -> JsonObject: ...

    def reset(self) -> None: ...


@dataclass
class SystemInfo:
    product: str
    version: str
    # None means the product has no such capability flag, so it is not reported at all
    rest_api_scripts: bool | None = None

    def as_json(self) -> JsonObject:
        info: JsonObject = {"product": self.product, "version": self.version}
        if self.rest_api_scripts is not None:
            info["rest_api_scripts"] = self.rest_api_scripts
        return info


@dataclass
class Simulator:
    system: SystemInfo
    state: ProductState
    faults: FaultInjector = field(init=False)
    _startup_system: SystemInfo = field(init=False)

    def __post_init__(self) -> None:
        self.faults = FaultInjector(self.system.product)
        self._startup_system = replace(self.system)

    def reset(self) -> None:
        """Returns to the start-up condition, so tests that change the version cannot leak it."""
        self.state.reset()
        self.faults.clear()
        self.system = replace(self._startup_system)

    def snapshot(self) -> JsonObject:
        return {**self.state.snapshot(), **self.system.as_json(), "faults": self.faults.faults.model_dump()}
