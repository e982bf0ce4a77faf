"""Commands on `customer.commands`, from a BSS or the admin API."""

from mmp_contracts import topics
from mmp_contracts.base import Command
from mmp_contracts.customer_spec import CustomerSpec


class CustomerCommand(Command):
    topic = topics.CUSTOMER_COMMANDS


class CreateCustomer(CustomerCommand, CustomerSpec):
    """Place a new customer on the platforms of its platform group (the wizard's ten sections)."""

    def partition_key(self) -> str:
        return self.details.webid

    def spec(self) -> CustomerSpec:
        return CustomerSpec.model_validate(self.model_dump())


class RetryRollback(CustomerCommand):
    """Try again to undo what a failed create left on the platforms (R21)."""

    customer_id: str

    def partition_key(self) -> str:
        return self.customer_id


class DeleteCustomer(CustomerCommand):
    """Remove the customer from every platform, then from our records (R23)."""

    customer_id: str

    def partition_key(self) -> str:
        return self.customer_id


class ConvertCustomerToDemo(CustomerCommand):
    """The maintenance command `convertCustomerToDemoMode <webid>` (R24): one-way."""

    webid: str

    def partition_key(self) -> str:
        return self.webid
