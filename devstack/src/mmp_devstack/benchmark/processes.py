"""The stack's processes, found by the ports they listen on (so a stack `mmp up` runs can be measured too), and
what the operating system says they used: CPU time and resident memory, from /proc."""

import os
from dataclasses import dataclass
from pathlib import Path

from mmp_devstack.config import StackConfig

TICKS = os.sysconf("SC_CLK_TCK")


def listening_ports(config: StackConfig) -> dict[str, int]:
    ports = config.ports
    named = {
        "broker": ports.kafka,
        "customer-svc": ports.customer,
        "platform-svc": ports.platform,
        "micollab-svc": ports.micollab,
        "notify-svc": ports.notify,
        "simulators": ports.pm,
        "mail": ports.smtp,
    }
    if config.store == "ferretdb" and not config.mongo_url:
        named["ferretdb"] = ports.ferretdb
    return named


def pids(config: StackConfig) -> dict[str, int]:
    """Each part's process id; a part that is not on this machine (an existing broker) is left out."""
    inodes = _listening_inodes()
    owners = _socket_owners()
    found = {}
    for name, port in listening_ports(config).items():
        inode = inodes.get(port)
        if inode is not None and inode in owners:
            found[name] = owners[inode]
    return found


@dataclass(frozen=True)
class Usage:
    cpu_seconds: dict[str, float]
    rss_mib: dict[str, float]

    def cpu_since(self, before: "Usage") -> dict[str, float]:
        return {name: self.cpu_seconds[name] - before.cpu_seconds.get(name, 0.0) for name in self.cpu_seconds}


def usage(processes: dict[str, int]) -> Usage:
    cpu, rss = {}, {}
    for name, pid in processes.items():
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu[name] = (int(stat[11]) + int(stat[12])) / TICKS
        status = Path(f"/proc/{pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        rss[name] = int(line.split()[1]) / 1024
    return Usage(cpu, rss)


def _listening_inodes() -> dict[int, int]:
    """Port -> socket inode, for every TCP socket listening on this machine."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[int(fields[1].rsplit(":", 1)[1], 16)] = int(fields[9])
    return found


def _socket_owners() -> dict[int, int]:
    owners = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    owners[int(target[8:-1])] = int(entry.name)
        except (PermissionError, FileNotFoundError, ProcessLookupError):
            continue
    return owners
