import datetime
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from yingshang.notify import robots

OFFICIAL_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"
# What the official host is taken to resolve to in tests: a public address (never connected to: the
# socket edge below leads to the local stand-in instead).
PUBLIC_ADDRESS = "101.226.103.106"


class RobotServer:
    """A local stand-in for a WeCom/DingTalk robot: answers with `status`, or sleeps `delay` seconds.
    With `tls`, it speaks https with a certificate for the official robot hosts."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}
        self.headers: dict[str, str] = {}
        self.delay = 0.0
        self.received: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                server.received.append(json.loads(self.rfile.read(length) or b"{}"))
                if server.delay:
                    time.sleep(server.delay)
                body = json.dumps(server.answer).encode()
                try:
                    self.send_response(server.status)
                    for name, value in server.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ConnectionRecorder:
    """A bare TCP listener on loopback that records every connection made to it (and answers nothing)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self._stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="session")
def robot_certificate(tmp_path_factory):
    """A self-signed certificate for the official robot hosts (cert and key files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qyapi.weixin.qq.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("qyapi.weixin.qq.com"), x509.DNSName("oapi.dingtalk.com")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("robot-tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def robot(robot_certificate, monkeypatch):
    """The official WeCom host, served locally over https: DNS answers a public address and the socket
    edge leads to the local server; the allow-list, the address check and TLS verification all run."""
    cert_path, key_path = robot_certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server = RobotServer(tls=context)
    server.url = OFFICIAL_URL
    monkeypatch.setattr(robots, "CA_BUNDLE", str(cert_path))
    monkeypatch.setattr(robots, "resolve", lambda host, port: [PUBLIC_ADDRESS])
    monkeypatch.setattr(
        robots,
        "open_socket",
        lambda address, port, timeout: socket.create_connection(("127.0.0.1", server.port), timeout=timeout),
    )
    yield server
    server.close()


@pytest.fixture
def connection_recorder():
    recorder = ConnectionRecorder()
    yield recorder
    recorder.close()


@pytest.fixture
def department_robot(make_user):
    """department_robot(user, url): the office sets `url` as the robot of `user`'s department."""
    from yingshang.notify import services
    from yingshang.org import roles as r

    office = make_user(r.OFFICE)

    def set_robot(user, url, flavor="wecom"):
        return services.robot_set(
            actor=office, department_id=user.department_id, url=url, flavor=flavor, enabled=True
        )

    return set_robot
