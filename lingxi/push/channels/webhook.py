"""Webhook pushes: a JSON POST signed with HMAC-SHA256 over the exact body bytes, with the subscription's secret.

Headers: `X-Lingxi-Signature: sha256=<hex>`, `X-Lingxi-Event: push`, `X-Lingxi-Delivery: <delivery id>`. A receiver
recomputes hmac(secret, raw body, sha256) and compares in constant time (`verify_signature` does exactly that).
Any answer other than 2xx, a timeout or a refused connection is a failure: recorded, and retried by the next run.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from urllib.parse import urlsplit

import httpx

SIGNATURE_HEADER = "X-Lingxi-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(secret, body), header)


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def private_address(url: str) -> str | None:
    """The loopback/private/link-local address the URL's host resolves to, if any. Members set webhook URLs, so by
    default the server must not be made to POST into its own network (the database, the metadata service …)."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return None  # unresolvable: the POST itself fails and says so
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return address
    return None


class WebhookSender:
    def __init__(self, timeout: float, allow_private: bool = False):
        self.allow_private = allow_private
        self.unreachable: set[str] = set()  # URLs that timed out or refused in this run: not tried again until the next
        self.client = httpx.Client(timeout=timeout, follow_redirects=False,
                                   headers={"User-Agent": "Lingxi-Push/1"})

    def send(self, url: str, secret: str, payload: dict, delivery_id: int) -> str | None:
        """None on a 2xx answer, else the error to record."""
        if not self.allow_private and (address := private_address(url)):
            return (f"refused: the webhook host resolves to the private address {address} "
                    "(set LINGXI_PUSH_WEBHOOK_ALLOW_PRIVATE=true to allow internal receivers)")
        body = encode(payload)
        headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(secret, body),
                   "X-Lingxi-Event": "push", "X-Lingxi-Delivery": str(delivery_id)}
        try:
            answer = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            if isinstance(error, httpx.TransportError):
                self.unreachable.add(url)
            return f"{type(error).__name__}: {error}"[:1000]
        if not 200 <= answer.status_code < 300:
            return f"HTTP {answer.status_code}: {answer.text[:300]}"
        return None

    def close(self) -> None:
        self.client.close()
