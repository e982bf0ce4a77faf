"""customer-svc's use cases, one module per flow; `requests` is the machinery they share."""
