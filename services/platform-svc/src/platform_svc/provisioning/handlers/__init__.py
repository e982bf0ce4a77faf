"""Use cases of provisioning, one module per flow: load the assignment, call the platforms it asks for, save
what it decided (`repo.change`), so that each message ends in one write of its state and events."""
