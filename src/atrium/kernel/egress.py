"""The one gate for every request Atrium's server makes to the outside (link previews now,
webhooks later). Nothing else in the code opens an outbound HTTP connection.

`fetch(url)` answers a `Response` or raises `EgressRefused(code, message)`. It defends
against server-side request forgery (SSRF):

- only `http` and `https`, no user name or password in the address, ports 80, 443 and
  8000-9999 only; host names are IDNA-encoded, numeric hosts must be written as plain
  dotted IPv4 or bracketed IPv6 (`http://2130706433/`, `http://0x7f.1/`, `http://127.1/`
  are refused);
- the host is resolved ONCE and refused if ANY of its addresses is not a public unicast
  address (loopback, private, CGNAT, link-local, cloud metadata, unspecified, multicast,
  reserved, documentation, IPv6 unique-local, and the IPv4 forms hidden in IPv4-mapped,
  IPv4-compatible, 6to4, Teredo and NAT64 IPv6 addresses); `localhost` and the metadata
  names are refused by name;
- the connection goes to that vetted address (no second lookup, so DNS rebinding cannot
  swap it), with the `Host` header and, for https, the TLS SNI and certificate checked
  against the host name;
- redirects are followed by hand (at most `max_redirects`), each new address checked from
  the start;
- the body is read up to `max_bytes` (a larger `Content-Length` is refused before reading),
  the whole exchange has one deadline (a server dripping bytes is cut at `timeout`), only
  identity and gzip encodings are accepted and gzip is inflated with the same byte limit;
- the request carries a fixed User-Agent, no cookie and no credentials.

Tests reach a local server through the Django setting `ATRIUM_EGRESS_ALLOW` (a list of
exact "address:port" strings let through despite the address rules); it is never read
from the environment and stays empty in production.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

REFUSAL_CODES = ("scheme", "private_address", "dns", "too_large", "timeout",
                 "too_many_redirects", "http_error", "bad_url")
ALLOWED_PORTS = frozenset({80, 443, *range(8000, 10000)})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
MAX_URL = 2000
CHUNK = 16 * 1024
BLOCKED_NAMES = ("localhost", "localhost.localdomain", "metadata", "metadata.google.internal",
                 "instance-data", "instance-data.ec2.internal")
# Not global, whatever Python's tables say (they vary between versions).
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/96", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
    "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DNS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="egress-dns")
_IPV4_PART = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class EgressRefused(Exception):
    """The gate refused the request or its answer; `code` is one of REFUSAL_CODES."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Response:
    url: str  # the final address, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class _Target:
    scheme: str
    host: str  # IDNA, lower case, no brackets
    port: int
    path: str  # path and query, never empty
    url: str


def user_agent() -> str:
    return f"Atrium link preview (+{settings.SITE_URL})"


def _allowed_exceptions() -> set[str]:
    return set(getattr(settings, "ATRIUM_EGRESS_ALLOW", ()) or ())


def parse(url: str) -> _Target:
    """Check the address's form (not yet where it points)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise EgressRefused("bad_url", "empty or too long address")
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise EgressRefused("bad_url", "spaces or control characters in the address")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EgressRefused("bad_url", "malformed address") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise EgressRefused("scheme", f"scheme {scheme or '(none)'!r} is not http(s)")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise EgressRefused("bad_url", "credentials in the address")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise EgressRefused("bad_url", "no host")
    port = port if port is not None else (443 if scheme == "https" else 80)
    if ":" not in host:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise EgressRefused("bad_url", "host name cannot be encoded") from None
        if not re.fullmatch(r"[a-z0-9._-]+", host):
            raise EgressRefused("bad_url", "bad characters in the host name")
    _check_numeric_host(host)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    netloc = f"[{host}]" if ":" in host else host
    if port != (443 if scheme == "https" else 80):
        netloc += f":{port}"
    return _Target(scheme, host, port, path, f"{scheme}://{netloc}{path}")


def _check_numeric_host(host: str) -> None:
    """Plain dotted IPv4 and bracketed IPv6 only; other IPv4 spellings (decimal, octal,
    hexadecimal, short forms), which resolvers accept, are refused."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise EgressRefused("bad_url", "malformed IPv6 address") from None
        if "%" in host:
            raise EgressRefused("bad_url", "zone index in the address")
        return
    labels = host.split(".")
    if not all(_IPV4_PART.match(label) for label in labels):
        return  # a name
    try:
        canonical = str(ipaddress.IPv4Address(host))
    except ValueError:
        canonical = ""
    if canonical != host:
        try:
            packed = socket.inet_aton(host)
        except OSError:
            raise EgressRefused("bad_url", "not a valid address") from None
        if _forbidden(ipaddress.IPv4Address(packed)):
            raise EgressRefused("private_address", "the address is not public")
        raise EgressRefused("bad_url", "unusual spelling of an IPv4 address")


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True unless `ip` is a public unicast address (and so are addresses embedded in it)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(_forbidden(inner) for inner in embedded):
            return True
        if ip.teredo is not None or ip.sixtofour is not None:
            return True  # tunnels go where they like
    if any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version):
        return True
    return bool(ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def is_public_address(address: str) -> bool:
    """Whether the server may connect to this IP address (the gate's own rule, for code
    that must open its own connection, such as web push): public unicast only, IPv4 hidden
    in IPv6 forms (mapped, compatible, 6to4, Teredo, NAT64) judged as IPv4. An allow-listed
    "address:port" (tests) is the caller's business."""
    if "%" in address:  # a zone index: link-local by nature
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not _forbidden(ip)


def resolve(target: _Target, deadline: float) -> list[str]:
    """The host's addresses, all of them vetted; refused if any one is not public."""
    exceptions = _allowed_exceptions()
    name = target.host.lower()
    if name in BLOCKED_NAMES or name.endswith(".localhost"):
        raise EgressRefused("private_address", f"{name} is an internal name")
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        future = _DNS.submit(socket.getaddrinfo, name, target.port, 0, socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=max(0.01, deadline - time.monotonic()))
        except FutureTimeout:
            raise EgressRefused("timeout", f"resolving {name} took too long") from None
        except (OSError, UnicodeError) as error:
            raise EgressRefused("dns", f"{name} could not be resolved ({error})") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise EgressRefused("dns", f"{name} has no address")
    for address in addresses:
        exact = f"[{address}]:{target.port}" if ":" in address else f"{address}:{target.port}"
        if exact in exceptions:
            continue
        if _forbidden(ipaddress.ip_address(address.split("%")[0])):
            raise EgressRefused("private_address", f"{name} points to a non-public address")
        if target.port not in ALLOWED_PORTS:
            raise EgressRefused("bad_url", f"port {target.port} is not allowed")
    return addresses


def fetch(url: str, *, max_bytes: int = 2_000_000, timeout: float = 5.0,
          max_redirects: int = 5, accept: str = DEFAULT_ACCEPT) -> Response:
    """GET `url` through the gate (see the module's docstring)."""
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        target = parse(current)
        addresses = resolve(target, deadline)
        response = _exchange(target, addresses, deadline, max_bytes, accept)
        if response.status in REDIRECTS and response.headers.get("location"):
            location = response.headers["location"].strip()
            try:
                current = urljoin(target.url, location)
            except ValueError:
                raise EgressRefused("bad_url", "malformed redirect") from None
            continue
        if response.status >= 400:
            raise EgressRefused("http_error", f"the server answered {response.status}",
                                status=response.status)
        return response
    raise EgressRefused("too_many_redirects", f"more than {max_redirects} redirects")


class _Watchdog:
    """One deadline for the whole exchange: at the deadline it shuts the socket it watches,
    which wakes up any connect, TLS handshake or read blocked on a server sending one byte
    at a time."""

    def __init__(self, deadline: float):
        self.expired = threading.Event()
        self.sock: socket.socket | None = None
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self.timer.daemon = True
        self.timer.start()

    def watch(self, sock: socket.socket) -> None:
        self.sock = sock
        if self.expired.is_set():
            self._cut()

    def _cut(self) -> None:
        self.expired.set()
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self.timer.cancel()


def _connect(target: _Target, addresses: list[str], deadline: float,
             watchdog: _Watchdog) -> socket.socket:
    last: Exception | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            # A literal address: connect() never consults the resolver again.
            sock.settimeout(remaining)
            sock.connect((address, target.port))
        except OSError as error:
            sock.close()
            last = error
            continue
        if target.scheme != "https":
            watchdog.watch(sock)
            return sock
        context = ssl.create_default_context()
        secure = context.wrap_socket(sock, server_hostname=target.host,
                                     do_handshake_on_connect=False)
        watchdog.watch(secure)
        try:
            secure.do_handshake()  # checks the certificate against the host name
            return secure
        except (ssl.SSLError, ssl.CertificateError, OSError) as error:
            secure.close()
            if watchdog.expired.is_set() or time.monotonic() >= deadline:
                break
            raise EgressRefused("http_error", f"TLS failed: {error}") from None
    if watchdog.expired.is_set() or time.monotonic() >= deadline:
        raise EgressRefused("timeout", "connecting took too long")
    raise EgressRefused("http_error", f"could not connect ({last})")


def _exchange(target: _Target, addresses: list[str], deadline: float, max_bytes: int,
              accept: str) -> Response:
    watchdog = _Watchdog(deadline)
    try:
        sock = _connect(target, addresses, deadline, watchdog)
    except BaseException:
        watchdog.cancel()
        raise
    expired = watchdog.expired
    connection = http.client.HTTPConnection(target.host, target.port,
                                            timeout=max(0.01, deadline - time.monotonic()))
    connection.sock = sock  # already connected to the vetted address: never looked up again
    try:
        connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
        default_port = 443 if target.scheme == "https" else 80
        host = f"[{target.host}]" if ":" in target.host else target.host
        connection.putheader("Host", host if target.port == default_port
                             else f"{host}:{target.port}")
        connection.putheader("User-Agent", user_agent())
        connection.putheader("Accept", accept)
        connection.putheader("Accept-Encoding", "gzip, identity")
        connection.putheader("Connection", "close")
        connection.endheaders()
        answer = connection.getresponse()
        headers: dict[str, str] = {}
        for name, value in answer.getheaders():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if answer.status in REDIRECTS:
            return Response(target.url, answer.status, headers, b"")
        body = _read_body(answer, headers, max_bytes, expired)
        return Response(target.url, answer.status, headers, body)
    except EgressRefused:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set() or time.monotonic() >= deadline:
            raise EgressRefused("timeout", "the server took too long") from None
        raise EgressRefused("http_error", f"bad answer ({error!r})") from None
    finally:
        watchdog.cancel()
        connection.close()
        sock.close()


def _read_body(answer: http.client.HTTPResponse, headers: dict[str, str], max_bytes: int,
               expired: threading.Event) -> bytes:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise EgressRefused("http_error", f"unsupported content encoding {encoding!r}")
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise EgressRefused("too_large", f"the answer announces {length} bytes")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in encoding else None
    body = bytearray()
    received = 0
    while True:
        chunk = answer.read1(CHUNK)
        if expired.is_set():
            raise EgressRefused("timeout", "the server took too long")
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise EgressRefused("too_large", f"the answer passes {max_bytes} bytes")
        if inflater is None:
            body += chunk
            continue
        try:
            body += inflater.decompress(chunk, max_bytes + 1 - len(body))
        except zlib.error:
            raise EgressRefused("http_error", "damaged gzip body") from None
        if len(body) > max_bytes or inflater.unconsumed_tail:
            raise EgressRefused("too_large", f"the inflated answer passes {max_bytes} bytes")
    return bytes(body)
