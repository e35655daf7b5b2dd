#!/usr/bin/env python3
"""The container's healthcheck: GET a /health/ path of the gunicorn in this container.

Usage: scripts/healthcheck.py [live|ready]   (default: live)

Sent as production sees real traffic: the first of ALLOWED_HOSTS as the host (else the
host check refuses 127.0.0.1) and ``X-Forwarded-Proto: https`` (else the HTTPS redirect
answers 301). Exits 0 on a 200, 1 otherwise. Standard library only, no Django start.
"""

from __future__ import annotations

import http.client
import os
import sys


def main() -> int:
    probe = sys.argv[1] if len(sys.argv) > 1 else "live"
    if probe not in {"live", "ready"}:
        print("usage: healthcheck.py [live|ready]", file=sys.stderr)
        return 2
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    port = int(os.environ.get("MAPA_HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(
            "GET", f"/health/{probe}/", headers={"Host": host, "X-Forwarded-Proto": "https"}
        )
        response = connection.getresponse()
        body = response.read(2000).decode(errors="replace")
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(response.status, body)
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
