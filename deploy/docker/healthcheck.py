"""The images' HEALTHCHECK (compose uses it too): GET one path on loopback on each port given; exit 0 when every
answer is 2xx, else 1. Standard library only, so it runs in every image, none of which has curl.

usage: python healthcheck.py PATH PORT [PORT ...]
PORT is a number, or ENV_NAME:default (the port the service reads from that variable, e.g. MMP_CUSTOMER_PORT:8001).
"""

import os
import sys
import urllib.error
import urllib.request


def port_of(spec: str) -> str:
    name, _, default = spec.rpartition(":")
    return os.environ.get(name, default) if name else default


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, ports = argv[0], argv[1:]
    for spec in ports:
        url = f"http://127.0.0.1:{port_of(spec)}{path}"
        try:
            with urllib.request.urlopen(url, timeout=4) as response:
                if not 200 <= response.status < 300:
                    print(f"{url}: {response.status}", file=sys.stderr)
                    return 1
        except (urllib.error.URLError, OSError) as error:
            print(f"{url}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
