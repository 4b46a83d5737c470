"""POSTing an event to a listener, guarded against server-side request forgery.

A callback must resolve only to public addresses, unless the address is inside one of
``HUB_CALLBACK_ALLOWED_NETWORKS`` (the embedded default allows loopback, for local
development). The check is made when the listener registers and again at each delivery,
and the connection goes to the very address that was checked, so a DNS answer that
changes in between (rebinding) cannot redirect it. Redirects are not followed.
"""

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_ERROR_BODY = 2000
USER_AGENT = "ProblemDesk-Hub/1.0"
SIGNATURE_HEADER = "X-ProblemDesk-Signature"


class CallbackRefused(ValueError):
    """The callback is not a URL we may send to; the message says why."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Attempt:
    ok: bool
    status: int | None
    error: str


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (a seam for tests: the fuzzer's random hosts are not looked up)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@cache
def _allowed_networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def address_allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    networks = _allowed_networks(tuple(settings.HUB_CALLBACK_ALLOWED_NETWORKS))
    if any(address.version == net.version and address in net for net in networks):
        return True
    return address.is_global and not address.is_multicast


def check_callback(url: str) -> Destination:
    """Parse and vet a callback URL; raises CallbackRefused with a reason a client can act on."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CallbackRefused("The callback is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise CallbackRefused("The callback must be an http:// or https:// URL.")
    if not parts.hostname:
        raise CallbackRefused("The callback names no host.")
    if parts.username or parts.password:
        raise CallbackRefused("Put no credentials in the callback URL; use a secret instead.")
    if parts.fragment:
        raise CallbackRefused("The callback cannot have a #fragment.")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            host.encode("idna")
            addresses = resolve(host, port)
        except (UnicodeError, OSError):
            raise CallbackRefused(f"The callback's host {host!r} does not resolve.") from None
    if not addresses:
        raise CallbackRefused(f"The callback's host {host!r} does not resolve.")
    for address in addresses:
        if not address_allowed(ipaddress.ip_address(address.split("%")[0])):
            raise CallbackRefused(
                "The callback resolves to a loopback, private or reserved address, which this "
                "desk does not send to (HUB_CALLBACK_ALLOWED_NETWORKS)."
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(parts.scheme, host, port, path, addresses[0])


def listener_url(callback: str, path: str) -> str:
    """``callback`` + ``/listener/<eventName>``, keeping the callback's query string."""
    parts = urlsplit(callback)
    joined = parts.path.rstrip("/") + "/" + path
    return parts._replace(path=joined).geturl()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def post(url: str, body: bytes, *, headers: dict[str, str], secret: str = "") -> Attempt:
    """One delivery attempt. Any 2xx is success; anything else (3xx included) is a failure."""
    try:
        destination = check_callback(url)
    except CallbackRefused as refused:
        return Attempt(False, None, str(refused))
    timeout = settings.HUB_DELIVERY_TIMEOUT_SECONDS
    all_headers = {
        "Content-Type": "application/json;charset=utf-8",
        "User-Agent": USER_AGENT,
        **headers,
    }
    if secret:
        all_headers[SIGNATURE_HEADER] = sign(secret, int(time.time()), body)
    connection = _connection(destination, timeout)
    try:
        connection.request("POST", destination.path, body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read(MAX_ERROR_BODY).decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return Attempt(False, None, f"{type(error).__name__}: {error}"[:MAX_ERROR_BODY])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Attempt(True, response.status, "")
    return Attempt(
        False, response.status, f"HTTP {response.status}: {text}".strip()[:MAX_ERROR_BODY]
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address; the Host header keeps the callback's host name."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = destination.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: the certificate is checked against the host name (SNI too)."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self._address = destination.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(destination: Destination, timeout: float) -> http.client.HTTPConnection:
    if destination.scheme == "https":
        return _PinnedHTTPSConnection(destination, timeout)
    return _PinnedHTTPConnection(destination, timeout)
