"""Kafka security against Apache Kafka with a SASL_SSL listener (SCRAM-SHA-512 and PLAIN): collected only with
MMP_E2E_SASL_SSL=1, which the real-parts tier sets (`make test-real`; it needs Java 17+ and Maven, as Kafka does)."""

import os

collect_ignore_glob = [] if os.environ.get("MMP_E2E_SASL_SSL") == "1" else ["test_*.py"]
