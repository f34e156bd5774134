"""A webhook receiver process for the delivery bench: verifies every signature, notes arrivals.

Run as ``python -m bench.receiver SECRET PORT``; ``GET /stats`` answers what it has seen.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


def serve(secret: str, port: int) -> None:
    """Serve until killed."""
    verifier = Webhook(secret)
    lock = threading.Lock()
    arrivals: dict[str, float] = {}
    bad = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Without it, the header and body segments meet delayed ACKs: 40 ms a request.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                verifier.verify(body, dict(self.headers.items()))
                ok = True
            except Exception:  # any verification failure counts, whatever its kind
                ok = False
            with lock:
                if ok:
                    arrivals.setdefault(self.headers["webhook-id"], time.time())
                else:
                    bad[0] += 1
            self._answer(b"ok")

        def do_GET(self) -> None:
            with lock:
                stats = {"arrivals": arrivals, "bad": bad[0]}
            self._answer(json.dumps(stats).encode())

        def _answer(self, payload: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            del args

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
