"""What events of every topic share."""

from mmp_contracts.base import Event

Residue = list[str]
"""What a failed undo left behind, one line per item, e.g. `MiVB tenant 3f2a... on pg-ottawa-1`."""


class CustomerKeyed(Event):
    customer_id: str

    def partition_key(self) -> str:
        return self.customer_id
