"""A TLS handshake with each bootstrap server before the clients are made.

kafka-python 3.0.12 treats a failed handshake like a broker that is down: it retries for ever, logging an
error (with a traceback, when the broker refuses our certificate) at every attempt. A certificate that did
not verify will not verify on the next attempt either, so the worker asks first and stops with one line.
"""

from __future__ import annotations

import socket
import ssl
import struct

from kafka.cluster import collect_hosts
from kafka.net.transport import KafkaSSLTransport

TLS_PROTOCOLS = ("SSL", "SASL_SSL")
TIMEOUT_S = 10.0
# An ApiVersions v0 request (size, api key 18, version 0, correlation id 1, null client id), which a broker
# answers before authentication. Under TLS 1.3 a broker's refusal of our certificate arrives only after the
# handshake, with the first read.
API_VERSIONS = struct.pack(">ihhih", 10, 18, 0, 1, -1)


class Refused(Exception):
    """The TLS connection to a broker failed in a way retrying will not mend; the message says how."""


def check(options: dict) -> None:
    """For the client `options` (kafka-python's names): raises Refused if a bootstrap server's certificate did not
    verify, the server refused ours, or our certificate or key cannot be loaded. A server that does not answer
    (not up yet) passes: the clients wait for it."""
    if options.get("security_protocol") not in TLS_PROTOCOLS:
        return
    ssl_options = {name: value for name, value in options.items() if name in KafkaSSLTransport.DEFAULT_CONFIG}
    try:
        # The very context kafka-python builds for its connections (kafka-python is pinned in pyproject.toml)
        context = KafkaSSLTransport._build_ssl_context(KafkaSSLTransport.DEFAULT_CONFIG | ssl_options)
    except (OSError, ssl.SSLError) as err:
        raise Refused(f"cannot load the TLS files (--ssl-cafile, --ssl-certfile, --ssl-keyfile, --ssl-password): "
                      f"{_reason(err)}") from None
    for host, port, _family in collect_hosts(options["bootstrap_servers"], randomize=False):
        _handshake(context, host, port)


def _handshake(context: ssl.SSLContext, host: str, port: int) -> None:
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_S) as raw, \
                context.wrap_socket(raw, server_hostname=host.rstrip(".")) as tls:
            tls.sendall(API_VERSIONS)
            tls.recv(4)
    except ssl.SSLCertVerificationError as err:
        raise Refused(f"the certificate of broker {host}:{port} did not verify against --ssl-cafile: "
                      f"{err.verify_message}") from None
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
        return  # closed on us, as a broker still starting may: the clients' retries handle that
    except ssl.SSLError as err:
        raise Refused(f"broker {host}:{port} refused the TLS connection ({_reason(err)}); if it requires client "
                      "certificates, give --ssl-certfile and --ssl-keyfile") from None
    except OSError:
        return  # not reachable yet


def _reason(err: Exception) -> str:
    return getattr(err, "reason", None) or getattr(err, "strerror", None) or str(err)
