#!/usr/bin/env python3
"""Records, byte for byte, the OAuth2 token request of Telnyx's official Python SDK.

Not part of CI (CI cannot install the SDK); it writes the fixture that CI
compares `telnyx-accounts`'s token request with:
`tests/fixtures/oauth/python-sdk-token-request.http` (see the README beside it).

How to run, from the repo root:

    python3 -m venv bench/.scratch/venv
    bench/.scratch/venv/bin/pip install telnyx==4.189.0
    bench/.scratch/venv/bin/python bench/record_token_request.py          # rewrite the fixture
    bench/.scratch/venv/bin/python bench/record_token_request.py --check  # compare, write nothing

It starts a raw TCP recorder on 127.0.0.1 (one request per connection; it
keeps every byte the client sent, head and body, untouched), then uses the
SDK as a user would: `telnyx.Telnyx(client_id=..., client_secret=...)`, no
API key, and one `managed_accounts.list()`. The SDK posts its token request
to the absolute `https://api.telnyx.com/v2/oauth/token` whatever its base
URL is, so the SDK gets an httpx transport that sends api.telnyx.com to the
recorder instead (the `Host` header it wrote stays `api.telnyx.com`) and
refuses any other host: nothing leaves the machine. The recorder answers
the token request with `{"access_token": "fixture-access-token", ...}` and
the list with an empty page, then checks that the SDK's API request carried
`Authorization: Bearer fixture-access-token`.

The client id and secret are made-up fixture values, not credentials.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import socket
import sys
import threading

import httpx
import telnyx

CLIENT_ID = "fixture-client-id"
CLIENT_SECRET = "fixture-client-secret"
ACCESS_TOKEN = "fixture-access-token"
FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/oauth/python-sdk-token-request.http"


class Recorder:
    """A loopback HTTP/1.1 server that records each request's raw bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            with conn:
                raw = self.read_request(conn)
                self.requests.append(raw)
                head = raw.split(b"\r\n", 1)[0]
                if b"/oauth/token" in head:
                    body = json.dumps({"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600})
                else:
                    meta = {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0}
                    body = json.dumps({"data": [], "meta": meta})
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                    + f"content-length: {len(body)}\r\n\r\n{body}".encode()
                )

    @staticmethod
    def read_request(conn: socket.socket) -> bytes:
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = conn.recv(65536)
            if not chunk:
                return buf
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return head + b"\r\n\r\n" + rest


class ToRecorder(httpx.BaseTransport):
    """Sends api.telnyx.com to the recorder; refuses every other non-loopback host."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.telnyx.com":
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        if request.url.host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"refusing to send a request to {request.url.host}")
        return self.inner.handle_request(request)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the fixture instead of writing it")
    args = ap.parse_args()
    recorder = Recorder()
    base_url = f"http://127.0.0.1:{recorder.port}/v2"
    client = telnyx.Telnyx(
        api_key=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=base_url,
        max_retries=0,
        http_client=httpx.Client(transport=ToRecorder(recorder.port)),
    )
    client.managed_accounts.list()
    tokens = [r for r in recorder.requests if r.split(b"\r\n", 1)[0].startswith(b"POST /v2/oauth/token ")]
    api = [r for r in recorder.requests if r not in tokens]
    if len(tokens) != 1 or len(api) != 1:
        print(f"expected one token request and one API request, got {recorder.requests!r}")
        return 1
    bearer = f"authorization: Bearer {ACCESS_TOKEN}\r\n".encode()
    if bearer not in api[0].lower().replace(b"bearer", b"Bearer"):
        print(f"the API request does not carry the token: {api[0]!r}")
        return 1
    recorded = tokens[0]
    print(f"telnyx {telnyx.__version__}, httpx {httpx.__version__}, Python {sys.version.split()[0]}")
    print(recorded.decode())
    if args.check:
        same = FIXTURE.read_bytes() == recorded
        print("same as the fixture" if same else f"DIFFERS from {FIXTURE}")
        return 0 if same else 1
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_bytes(recorded)
    print(f"wrote {FIXTURE} ({len(recorded)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
