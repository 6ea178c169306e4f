"""Throwaway TLS material for the test broker, made with openssl in well under a second (EC P-256 keys):
a CA, the broker's PKCS12 keystore (its key and certificate, signed by the CA, for 127.0.0.1 and localhost),
a client certificate signed by the same CA with an encrypted key, and a second CA that signed nothing."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

KEYSTORE_PASSWORD = "broker-keystore-secret"  # the broker's keystore and its key
CLIENT_KEY_PASSWORD = "client-key-secret"  # the worker's --ssl-password
DAYS = "2"  # long enough for a test session
OPENSSL_TIMEOUT_S = 30
EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
CA_EXTENSIONS = ("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost"


class TlsUnavailable(Exception):
    """The material could not be made; the message says why."""


@dataclass(frozen=True)
class TlsMaterial:
    ca: Path  # PEM: signed the broker's and the client's certificates; the broker's truststore too
    other_ca: Path  # PEM: a CA that signed neither, to be refused by
    keystore: Path  # PKCS12 with KEYSTORE_PASSWORD: the broker's key and certificate chain
    client_cert: Path
    client_key: Path  # PEM, encrypted with CLIENT_KEY_PASSWORD


def generate(directory: Path) -> TlsMaterial:
    """The material in `directory`, made once: a later call finds it there. Raises TlsUnavailable."""
    material = TlsMaterial(ca=directory / "ca.pem", other_ca=directory / "other-ca.pem",
                           keystore=directory / "broker.p12", client_cert=directory / "client.pem",
                           client_key=directory / "client.key")
    done = directory / ".complete"
    if done.exists():
        return material
    if shutil.which("openssl") is None:
        raise TlsUnavailable("openssl is not on PATH")
    directory.mkdir(parents=True, exist_ok=True)
    _ca(directory, "ca")
    _ca(directory, "other-ca")
    _signed(directory, "broker", "/CN=localhost", SAN, key_password=None)
    _openssl(directory, "pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker.key", "-certfile", "ca.pem",
             "-name", "broker", "-out", "broker.p12", "-passout", f"pass:{KEYSTORE_PASSWORD}")
    _signed(directory, "client", "/CN=worker", "extendedKeyUsage=clientAuth", key_password=CLIENT_KEY_PASSWORD)
    done.touch()
    return material


def _ca(directory: Path, name: str) -> None:
    _openssl(directory, "req", "-x509", "-new", "-nodes", *EC_KEY, "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", DAYS, "-subj", f"/CN=test {name}", *CA_EXTENSIONS)


def _signed(directory: Path, name: str, subject: str, extension: str, key_password: str | None) -> None:
    key = ("-passout", f"pass:{key_password}") if key_password else ("-nodes",)
    _openssl(directory, "req", "-new", *EC_KEY, *key, "-keyout", f"{name}.key", "-out", f"{name}.csr",
             "-subj", subject, "-addext", extension)
    _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", DAYS, "-copy_extensions", "copy", "-out", f"{name}.pem")


def _openssl(directory: Path, *args: str) -> None:
    try:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, text=True,
                       timeout=OPENSSL_TIMEOUT_S)
    except subprocess.CalledProcessError as err:
        last = (err.stderr.strip().splitlines() or ["no output"])[-1]
        raise TlsUnavailable(f"openssl {args[0]} failed: {last}") from err
    except subprocess.TimeoutExpired as err:
        raise TlsUnavailable(f"openssl {args[0]} took over {OPENSSL_TIMEOUT_S} s") from err
