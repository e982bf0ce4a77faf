"""What customer-svc talks to: its store (document shapes, queries, the group-wide DID index)."""
