"""micollab-svc's connections: its store documents and MiCollab over HTTP."""
