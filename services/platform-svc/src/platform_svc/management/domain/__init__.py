"""Pure: the aggregates of platform management with their rules; no I/O, no framework."""
