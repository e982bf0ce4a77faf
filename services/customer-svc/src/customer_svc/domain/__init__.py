"""customer-svc's domain: the customer aggregate, its parts and the intake rules. Pure: no I/O, no framework."""
