"""Platform management: the Platform Manager registration (R2, R3), its blueprints, the platform groups made
from them (or registered by hand) with their versions and health kept current, and the SP's key templates.

Provisioning reads the groups and key templates only through the catalogue bootstrap hands it, and uses the
value types of `management.domain`; nothing here imports provisioning.
"""
