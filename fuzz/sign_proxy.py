"""A signing reverse proxy in front of server B's peer API, for schemathesis.

Every request that arrives here is forwarded to B signed exactly as server A signs it
(docs/peer-auth.md): RFC 9530 Content-Digest (sha-256) of the exact body bytes, and an RFC 9421
signature `sig1` over ("@method" "@path" "@query" "content-digest") with created, keyid,
alg="ed25519" and a fresh nonce, made with A's Ed25519 key. B's answer (status, headers, body)
comes back unchanged, so schemathesis judges B's real responses. The proxy also counts B's
answers that carry no signature in /_proxy/stats: none may answer a request A could send (a PUT to
a date and a safe batch id); TRACE and requests Tomcat will not parse are answered by the
container before B's signature filter runs, and are unsigned (docs/peer-auth.md).

    python sign_proxy.py --listen 127.0.0.1:PORT --upstream http://127.0.0.1:B_PORT \
        --key sign-a.pem --key-id fuzz-a
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives.serialization import load_pem_private_key

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length", "host"}
# unsigned_put: B's unsigned answers to requests A could send (PUT to a path made of a date and a
# safe batch id); must stay 0. The others are what the container answers before any filter runs
# (TRACE, a URI with control characters or an encoded backslash, unparseable requests).
A_PATH = re.compile(r"^/peer/v1/batches/[0-9]{4}-[0-9]{2}-[0-9]{2}/[A-Za-z0-9._-]{1,200}(/[A-Za-z0-9/]*)?(\?.*)?$")
STATS = {"forwarded": 0, "unsigned_responses": 0, "unsigned_put": 0, "unsigned": []}
LOCK = threading.Lock()


def signature_headers(key, key_id, method, raw_path, body):
    """Content-Digest, Signature-Input and Signature for one request (the profile of HttpSigner)."""
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    parts = urllib.parse.urlsplit(raw_path)
    path = parts.path or "/"
    query = "?" + parts.query
    nonce = base64.urlsafe_b64encode(os.urandom(18)).decode().rstrip("=")
    params = '("@method" "@path" "@query" "content-digest");created=%d;keyid="%s";alg="ed25519";nonce="%s"' % (
        int(time.time()), key_id, nonce)
    base = "\n".join([
        '"@method": ' + method,
        '"@path": ' + path,
        '"@query": ' + query,
        '"content-digest": ' + digest,
        '"@signature-params": ' + params,
    ])
    sig = base64.b64encode(key.sign(base.encode("ascii"))).decode()
    return {"Content-Digest": digest, "Signature-Input": "sig1=" + params, "Signature": "sig1=:" + sig + ":"}


def make_handler(upstream, key, key_id):
    target = urllib.parse.urlsplit(upstream)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def forward(self):
            if self.path == "/_proxy/stats":
                body = json.dumps(STATS).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP
                       and k.lower() not in ("signature", "signature-input", "content-digest")}
            headers.update(signature_headers(key, key_id, self.command, self.path, body))
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                res = conn.getresponse()
                data = res.read()
                with LOCK:
                    STATS["forwarded"] += 1
                    if res.getheader("Signature") is None:
                        STATS["unsigned_responses"] += 1
                        if self.command == "PUT" and A_PATH.match(self.path):
                            STATS["unsigned_put"] += 1
                        if len(STATS["unsigned"]) < 20:
                            STATS["unsigned"].append("%s %s -> %d" % (self.command, self.path[:80], res.status))
                self.send_response(res.status, res.reason)
                for k, v in res.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            finally:
                conn.close()

        def __getattr__(self, name):
            # Every method (QUERY, TRACE, made-up ones) goes to B: what B answers is what is tested.
            if name.startswith("do_"):
                return self.forward
            raise AttributeError(name)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--key-id", required=True)
    a = p.parse_args()
    with open(a.key, "rb") as f:
        key = load_pem_private_key(f.read(), password=None)
    host, port = a.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), make_handler(a.upstream, key, a.key_id))
    server.serve_forever()


if __name__ == "__main__":
    main()
