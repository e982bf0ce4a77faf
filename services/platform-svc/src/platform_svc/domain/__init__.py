"""The pure model of platform-svc: platform groups, the create rules and the assignment state machine.

No I/O and no framework here: the handlers fetch, these modules decide.
"""
