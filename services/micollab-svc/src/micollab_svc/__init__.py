"""micollab_svc: MiCollab tenants, their bundles and users, their edits (R22) and the version gates (R16-R19)."""
