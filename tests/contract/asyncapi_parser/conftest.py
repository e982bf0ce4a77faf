"""The AsyncAPI parser (npm) runs in the real-parts tier only (`MMP_ASYNCAPI_PARSER=1`): `make test` needs
only Python, so without it this folder is not collected at all."""

import os

collect_ignore = [] if os.environ.get("MMP_ASYNCAPI_PARSER") == "1" else ["test_asyncapi_parser.py"]
