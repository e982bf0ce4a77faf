"""micollab-svc's use cases, one module per flow: provisioning, edit, removal."""
