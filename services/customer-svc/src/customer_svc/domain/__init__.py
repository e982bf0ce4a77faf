"""customer-svc's domain: the customer saga and the intake rules. Pure: no I/O, no framework."""
