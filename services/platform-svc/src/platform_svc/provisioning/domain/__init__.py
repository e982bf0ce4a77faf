"""Pure: the assignment of a customer to its platforms, its steps and tasks, and the create and edit rules."""
