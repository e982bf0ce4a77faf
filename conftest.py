"""Secrets for the tests' own services: they have no defaults (a service without them refuses to start), so the
tests name theirs here, once. None of them is a secret of any deployment."""

import os

TEST_SECRETS = {
    "MMP_ADMIN_TOKEN": "tests-admin-token-0000",
    "MMP_TOKEN_SECRET": "tests-token-secret-0000",
    "MMP_SECRETS_KEY": "dGVzdHMtc2VjcmV0cy1rZXktMDAwMDAwMDAwMDAwMDA=",
}
for name, value in TEST_SECRETS.items():
    os.environ.setdefault(name, value)
