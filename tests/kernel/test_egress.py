"""The egress gate: an SSRF corpus refused before any connection, and live misbehaving
servers (redirects into the network, slow drips, huge bodies, gzip bombs)."""

from __future__ import annotations

import socket
import ssl
import time

import pytest

from atrium.kernel import egress
from atrium.kernel.egress import EgressRefused
from tests.kernel.egress_server import Handler, serving

CORPUS = [
    # Schemes other than http(s)
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.org/file", "scheme"),
    ("gopher://example.org:70/_x", "scheme"),
    ("data:text/html,<script>alert(1)</script>", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("dict://example.org:11211/stat", "scheme"),
    ("ldap://example.org/o=x", "scheme"),
    ("//example.org/no-scheme", "scheme"),
    # Credentials, malformed addresses, ports
    ("http://user@example.org/", "bad_url"),
    ("http://user:secret@example.org/", "bad_url"),
    ("http://example.org@127.0.0.1/", "bad_url"),
    ("http://exa mple.org/", "bad_url"),
    ("http://example.org/\r\nX-Injected: 1", "bad_url"),
    ("", "bad_url"),
    ("http:///only-a-path", "bad_url"),
    ("http://example.org/" + "a" * 2001, "bad_url"),
    ("http://[::1/", "bad_url"),
    ("http://example.org:99999/", "bad_url"),
    ("http://[fe80::1%25eth0]/", "bad_url"),
    ("http://93.184.215.14:22/", "bad_url"),
    ("http://93.184.215.14:6379/", "bad_url"),
    ("http://0x5d.0xb8.0xd7.0x0e/", "bad_url"),  # a public address spelt in hexadecimal
    ("http://1572395790/", "bad_url"),  # the same in decimal
    # Loopback, private, shared, link-local, metadata, special
    ("http://127.0.0.1/", "private_address"),
    ("http://127.0.0.1:8080/admin", "private_address"),
    ("http://localhost/", "private_address"),
    ("http://LOCALHOST./", "private_address"),
    ("http://api.localhost/", "private_address"),
    ("http://[::1]/", "private_address"),
    ("http://0.0.0.0/", "private_address"),
    ("http://[::]/", "private_address"),
    ("http://10.0.0.1/", "private_address"),
    ("http://172.16.5.4/", "private_address"),
    ("http://192.168.1.1/", "private_address"),
    ("http://100.64.0.1/", "private_address"),
    ("http://169.254.169.254/latest/meta-data/", "private_address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "private_address"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "private_address"),
    ("http://[fe80::1]/", "private_address"),
    ("http://[fc00::1]/", "private_address"),
    ("http://224.0.0.1/", "private_address"),
    ("http://[ff02::1]/", "private_address"),
    ("http://240.0.0.1/", "private_address"),
    ("http://255.255.255.255/", "private_address"),
    ("http://192.0.2.1/", "private_address"),
    ("http://[2001:db8::1]/", "private_address"),
    # IPv4 hidden in IPv6
    ("http://[::ffff:127.0.0.1]/", "private_address"),
    ("http://[::ffff:a9fe:a9fe]/", "private_address"),
    ("http://[::127.0.0.1]/", "private_address"),
    ("http://[2002:7f00:1::]/", "private_address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "private_address"),
    ("http://[64:ff9b::10.0.0.1]/", "private_address"),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "private_address"),
    # Other spellings of 127.0.0.1
    ("http://2130706433/", "private_address"),
    ("http://0x7f.1/", "private_address"),
    ("http://017700000001/", "private_address"),
    ("http://127.1/", "private_address"),
    ("http://0x7f000001/", "private_address"),
    ("http://0177.0.0.1/", "private_address"),
    ("http://\uff11\uff12\uff17.0.0.1/", "private_address"),  # full-width digits
    ("http://127\u30020\u30020\u30021/", "private_address"),  # ideographic full stops
    # Names that do not resolve
    ("http://nothing-here.invalid/", "dns"),
]


@pytest.mark.parametrize(("url", "code"), CORPUS)
def test_ssrf_corpus_is_refused_before_any_connection(url, code, monkeypatch):
    """Each address of the corpus is refused with its code, and no socket is ever opened."""
    def no_connection(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(egress.socket, "socket", no_connection)
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(url, timeout=2)
    assert refused.value.code == code


def fake_dns(monkeypatch, table: dict[str, list[str]]) -> list[str]:
    """Answer getaddrinfo from `table`; returns the list of names looked up."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host not in table:
            raise socket.gaierror(-2, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in table[host]]

    monkeypatch.setattr(egress.socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("addresses", [["127.0.0.1"], ["10.1.2.3"], ["93.184.215.14", "127.0.0.1"],
                                       ["::ffff:169.254.169.254"], ["fd12::1"]])
def test_a_name_resolving_to_any_internal_address_is_refused(addresses, monkeypatch):
    """If any address of a name is internal the request is refused (no picking the good one)."""
    fake_dns(monkeypatch, {"evil.example": addresses})
    monkeypatch.setattr(egress.socket, "socket", lambda *a, **k: pytest.fail("connected"))
    with pytest.raises(EgressRefused) as refused:
        egress.fetch("http://evil.example/")
    assert refused.value.code == "private_address"


@pytest.fixture
def server(settings):
    """A misbehaving local server the gate may reach, and another one it may not."""
    with serving() as other, serving() as main:
        Handler.other_port = other.server_address[1]
        Handler.seen = []
        port = main.server_address[1]
        settings.ATRIUM_EGRESS_ALLOW = [f"127.0.0.1:{port}"]
        yield f"http://127.0.0.1:{port}"


def test_an_allowed_server_answers_with_a_fixed_user_agent_and_no_cookie(server, settings):
    """A plain fetch works and sends the Atrium User-Agent, no cookie, no credentials."""
    response = egress.fetch(f"{server}/ok")
    assert response.status == 200 and b"<title>Hello</title>" in response.body
    assert response.content_type == "text/html"
    sent = Handler.seen[-1]
    assert sent["user-agent"] == f"Atrium link preview (+{settings.SITE_URL})"
    assert "cookie" not in sent and "authorization" not in sent


def test_the_connection_goes_to_the_vetted_address_with_the_host_name(server, monkeypatch):
    """The name is looked up once; the server receives the name in Host (no rebinding)."""
    port = int(server.rsplit(":", 1)[1])
    asked = fake_dns(monkeypatch, {"news.example": ["127.0.0.1"]})
    response = egress.fetch(f"http://news.example:{port}/ok")
    assert response.status == 200
    assert asked == ["news.example"]
    assert Handler.seen[-1]["host"] == f"news.example:{port}"


def test_a_relative_redirect_is_followed(server):
    """A relative Location is resolved against the current address."""
    response = egress.fetch(f"{server}/relative")
    assert response.url == f"{server}/ok" and response.status == 200


@pytest.mark.parametrize(("path", "code"), [
    ("/to-other-local", "private_address"), ("/to-localhost", "private_address"),
    ("/to-metadata", "private_address"), ("/to-file", "scheme"), ("/to-gopher", "scheme"),
    ("/loop", "too_many_redirects"), ("/chain/6", "too_many_redirects"),
])
def test_each_redirect_is_checked_from_scratch(server, path, code):
    """A redirect after an allowed hop is vetted again: internal, non-http and loops refused."""
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"{server}{path}")
    assert refused.value.code == code


def test_five_redirects_are_followed(server):
    """Up to max_redirects hops are followed."""
    assert egress.fetch(f"{server}/chain/4", max_redirects=5).url == f"{server}/ok"


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_a_slow_drip_is_cut_at_the_deadline(server, path):
    """A server dripping one byte at a time is cut at the total timeout."""
    started = time.monotonic()
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"{server}{path}", timeout=1.0)
    assert refused.value.code == "timeout"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("path", ["/huge", "/announced-huge", "/bomb"])
def test_bodies_past_the_limit_are_refused(server, path):
    """A huge body, a huge announced length and a gzip bomb all stop at max_bytes."""
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"{server}{path}", max_bytes=1_000_000)
    assert refused.value.code == "too_large"


def test_gzip_is_inflated_and_other_encodings_refused(server):
    """gzip bodies are inflated; an encoding the gate does not bound (br) is refused."""
    assert b"<title>Hello</title>" in egress.fetch(f"{server}/gzip").body
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"{server}/brotli")
    assert refused.value.code == "http_error"


def test_an_error_status_is_refused_with_the_status(server):
    """A 404 is a refusal carrying the status."""
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"{server}/missing")
    assert (refused.value.code, refused.value.status) == ("http_error", 404)


def test_an_unlisted_local_port_is_refused(server):
    """The allow-list is exact: the same address on another port stays refused."""
    with pytest.raises(EgressRefused) as refused:
        egress.fetch(f"http://127.0.0.1:{Handler.other_port}/ok")
    assert refused.value.code == "private_address"


def test_https_certificates_are_verified(settings, tmp_path):
    """A TLS server whose certificate is not trusted is refused (verification is on)."""
    from tests.kernel.egress_tls import self_signed

    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serving() as plain:
        plain.socket = context.wrap_socket(plain.socket, server_side=True)
        port = plain.server_address[1]
        settings.ATRIUM_EGRESS_ALLOW = [f"127.0.0.1:{port}"]
        with pytest.raises(EgressRefused) as refused:
            egress.fetch(f"https://127.0.0.1:{port}/ok", timeout=3)
    assert refused.value.code == "http_error"
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message


def test_a_tls_handshake_dripping_bytes_is_cut_at_the_deadline(settings):
    """A server answering the TLS handshake one byte at a time is cut at the timeout."""
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    settings.ATRIUM_EGRESS_ALLOW = [f"127.0.0.1:{port}"]
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"\x16\x03\x03\x40\x00")  # a 16 KB handshake record, then
            while not stop.is_set():  # its bytes one by one
                try:
                    connection.sendall(b"\x00")
                except OSError:
                    return
                time.sleep(0.05)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(EgressRefused) as refused:
            egress.fetch(f"https://127.0.0.1:{port}/", timeout=1.0)
    finally:
        stop.set()
        listener.close()
    assert refused.value.code == "timeout"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("127.0.0.1", False), ("::ffff:127.0.0.1", False), ("64:ff9b::7f00:1", False),
    ("64:ff9b::a9fe:a9fe", False), ("2002:7f00:1::", False), ("::7f00:1", False),
    ("100.64.0.1", False), ("fe80::1%eth0", False), ("not an address", False),
])
def test_is_public_address_applies_the_gates_rule(address, public):
    """The rule other code may reuse: IPv4 hidden in IPv6 forms is judged as IPv4."""
    assert egress.is_public_address(address) is public
