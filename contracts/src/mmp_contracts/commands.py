"""Commands on `customer.commands`, from a BSS or the admin API."""

from mmp_contracts import topics
from mmp_contracts.base import Command
from mmp_contracts.customer_spec import CustomerChanges, CustomerSpec, DidRange


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


class UpdateCustomer(CustomerCommand):
    """Change fields of a customer; the platforms that carry them change too, or nothing does (R22)."""

    customer_id: str
    changes: CustomerChanges

    def partition_key(self) -> str:
        return self.customer_id


class ConfirmBillingChange(CustomerCommand):
    """The customer's answer to an edit waiting in AWAITING_CONFIRMATION (R27)."""

    customer_id: str
    task_id: str
    accept: bool

    def partition_key(self) -> str:
        return self.customer_id


class AddDidRange(CustomerCommand):
    customer_id: str
    did_range: DidRange

    def partition_key(self) -> str:
        return self.customer_id


class RemoveDidRange(CustomerCommand):
    """Removing part of a range splits it (R12)."""

    customer_id: str
    did_range: DidRange

    def partition_key(self) -> str:
        return self.customer_id
