"""Provisioning: a customer's MiVB and MBG work (create, edit, DID ranges) and its undo (rollback, release,
deletion), one `Assignment` aggregate per customer.

Groups and key templates are management's: read through the `Catalogue` bootstrap hands in, typed with
`management.domain`'s value types. Nothing here imports management's handlers, adapters or entrypoints.
"""
