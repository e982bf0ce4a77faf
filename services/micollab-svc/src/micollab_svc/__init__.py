"""micollab_svc: MiCollab tenants, their bundles and users, and the MiCollab version gates (R16-R18)."""
