#!/usr/bin/env python3
"""Driver probe for asyncpg and psycopg 3 (docs/driver-probes.md, client-worker protocol v1).

Usage: probe.py asyncpg|psycopg. Reads one JSON request per line on stdin, answers one JSON
response per line on stdout, until stdin closes. Every libpq keyword goes through one static
mapping table per driver (MAPPINGS below); a keyword without an equivalent whose value is not
libpq's default is reported in `unsupported`, never silently dropped. Server truth comes from
the two statements of ConnectionAttempt.serverViewSQL / .sslinfoSQL, copied verbatim.
"""

import asyncio
import ipaddress
import json
import os
import platform
import socket
import ssl
import sys
import urllib.parse

PROTOCOL_VERSION = 1

# Copied verbatim from Sources/PQProbe/ConnectionAttempt.swift (the backslash-newline joins
# of the Swift literal are spaces here).
SERVER_VIEW_SQL = (
    "select s.ssl, s.sslversion as version, s.sslcipher as cipher, s.sslbits as bits, "
    "s.ssl_client_dn as client_dn, s.ssl_client_serial as client_serial, s.ssl_issuer_dn as issuer_dn, "
    "pg_get_userbyid(s.usesysid) as usename, s.application_name, s.client_addr, s.client_port, "
    "pg_backend_pid() as backend_pid, current_setting('cluster_name') as cluster_name, current_user, "
    "session_user, exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo "
    "from pg_stat_get_activity(pg_backend_pid()) s"
)
SSLINFO_SQL = (
    "select ssl_is_used() as is_used, ssl_version() as version, ssl_cipher() as cipher, "
    "ssl_client_cert_present() as client_cert_present, ssl_client_serial() as client_serial, "
    "ssl_client_dn() as client_dn, ssl_issuer_dn() as issuer_dn"
)

# libpq's compiled defaults for the keywords a driver may lack: a value equal to the default
# needs no equivalent (the driver behaves so anyway, or the keyword says "as usual").
LIBPQ_DEFAULTS = {
    "sslsni": "1",
    "channel_binding": "prefer",
    "gssencmode": "prefer",
    "sslnegotiation": "postgres",
    "sslcertmode": "allow",
    "require_auth": "",
    "target_session_attrs": "any",
    "load_balance_hosts": "disable",
    "min_protocol_version": "3.0",
    "max_protocol_version": "3.0",
}

# A client certificate, key or CRL file that does not exist is libpq's "none" (libpq skips a
# missing sslcert/sslkey/sslcrl/sslcrldir; the harness names nonexistent files so libpq reads
# no default): such a keyword is left out, with a note. sslrootcert is always passed as given:
# what a missing root file means is part of each driver's behaviour.
NONE_IF_MISSING = ("sslcert", "sslkey", "sslcrl", "sslcrldir")

# One mapping table per driver: libpq keyword -> (native name, how) or None (no equivalent).
# "how" says where the value goes; the README of each driver is the source
# (asyncpg: connect() docs, "libpq connection URI format ... options recognized by asyncpg";
# psycopg 3: "connection string ... passed to libpq unchanged").
ASYNCPG = {
    "host": ("host", "URI host"),
    # asyncpg has no hostaddr: the probe resolves `host` to this address for the driver
    # (like an /etc/hosts entry), so it connects there and still verifies the name `host`.
    "hostaddr": ("name resolution", "probe resolves host to hostaddr"),
    "port": ("port", "URI port"),
    "user": ("user", "URI user"),
    "dbname": ("database", "URI path"),
    "password": ("password", "connect(password=)"),
    "passfile": ("passfile", "connect(passfile=)"),
    "sslmode": ("sslmode", "URI query"),
    "sslrootcert": ("sslrootcert", "URI query"),
    "sslcert": ("sslcert", "URI query"),
    "sslkey": ("sslkey", "URI query"),
    "sslpassword": ("sslpassword", "URI query"),
    "sslcrl": ("sslcrl", "URI query"),
    "sslcrldir": None,
    "sslsni": None,  # asyncpg always sends SNI for a host name (Python's ssl module)
    "ssl_min_protocol_version": ("ssl_min_protocol_version", "URI query"),
    "ssl_max_protocol_version": ("ssl_max_protocol_version", "URI query"),
    "sslnegotiation": ("sslnegotiation", "URI query"),
    "channel_binding": None,  # SCRAM-SHA-256 only, no -PLUS
    "gssencmode": None,  # never asks for GSS encryption (same as disable)
    "target_session_attrs": ("target_session_attrs", "URI query"),
    "connect_timeout": ("timeout", "connect(timeout=), whole connect"),
    "application_name": ("server_settings.application_name", "connect(server_settings=)"),
}
# psycopg 3 hands its conninfo to the libpq it bundles: every keyword is its own equivalent.
PSYCOPG = "libpq"

MAPPINGS = {"asyncpg": ASYNCPG, "psycopg": PSYCOPG}


def fail_hello(client, code, message):
    emit({"protocolVersion": PROTOCOL_VERSION, "client": client, "error": {"code": code, "message": message}})
    sys.exit(1)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def text(value):
    """A value as libpq's text output would show it (bools t/f)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    return str(value)


def row_dict(columns, values):
    return {c: text(v) for c, v in zip(columns, values) if v is not None}


def unsupported_keywords(mapping, pairs):
    if mapping == PSYCOPG:
        return []
    out = []
    for key, value in pairs:
        if key in mapping and mapping[key] is not None:
            continue
        if key in LIBPQ_DEFAULTS and value == LIBPQ_DEFAULTS[key]:
            continue
        if key in NONE_IF_MISSING and not os.path.exists(value):
            continue
        if key == "gssencmode" and value == "disable":
            continue  # asyncpg never requests GSS encryption: disable is what it does
        out.append(key)
    return out


def error_class(error):
    t = type(error)
    return f"{t.__module__}.{t.__qualname__}"


def set_environment(environment):
    for key in list(os.environ):
        if key.startswith("PG"):
            del os.environ[key]
    for key, value in environment.items():
        os.environ[key] = value


class Resolver:
    """Resolves the request's host name to its hostaddr for a driver without hostaddr."""

    original = socket.getaddrinfo

    def __init__(self):
        self.names = {}
        socket.getaddrinfo = self.getaddrinfo

    def getaddrinfo(self, host, port, *args, **kwargs):
        address = self.names.get(host)
        if address is not None:
            return Resolver.original(address, port, *args, **kwargs)
        return Resolver.original(host, port, *args, **kwargs)


# MARK: asyncpg


def asyncpg_identity():
    import asyncpg

    return {
        "name": "asyncpg",
        "version": asyncpg.__version__,
        "runtime": f"CPython {platform.python_version()}",
        "tls": f"Python ssl ({ssl.OPENSSL_VERSION})",
        "mapping": {k: (None if v is None else f"{v[0]} ({v[1]})") for k, v in ASYNCPG.items()},
    }


def asyncpg_request(request, resolver):
    import asyncpg

    pairs = [tuple(p) for p in request["parameters"]]
    values = dict(pairs)
    host = values.get("host", "localhost")
    resolver.names = {}
    if "hostaddr" in values and not host.startswith("/"):
        resolver.names[host] = values["hostaddr"]
    query = {}
    kwargs = {}
    notes = []
    for key, value in pairs:
        target = ASYNCPG.get(key)
        if target is None:
            continue
        name, how = target
        if key in NONE_IF_MISSING and not os.path.exists(value):
            notes.append(f"{key}: {value} does not exist, which libpq reads as none; not passed")
            continue
        if how == "URI query":
            query[name] = value
    if "password" in values:
        kwargs["password"] = values["password"]
    if "passfile" in values:
        kwargs["passfile"] = values["passfile"]
    if "application_name" in values:
        kwargs["server_settings"] = {"application_name": values["application_name"]}
    timeout = float(values.get("connect_timeout") or request.get("timeoutSeconds", 10))
    kwargs["timeout"] = timeout
    netloc_host = host if not host.startswith("/") else ""
    if ":" in netloc_host:
        netloc_host = f"[{netloc_host}]"
    user = urllib.parse.quote(values.get("user", ""), safe="")
    if host.startswith("/"):
        # A socket directory: asyncpg takes it as host= (a DSN query host is not honoured next to a port).
        # With host= given, asyncpg ignores the DSN's whole host part, its port included
        # (connect_utils._parse_connect_dsn_and_args parses the hostspec only `if not host`), and
        # looks for .s.PGSQL.5432: the port must be passed beside it.
        kwargs["host"] = host
        kwargs["port"] = int(values.get("port", "5432"))
    dsn = "postgresql://{}@{}:{}/{}?{}".format(
        user,
        netloc_host,
        values.get("port", "5432"),
        urllib.parse.quote(values.get("dbname", ""), safe=""),
        urllib.parse.urlencode(query),
    )
    passed = {"dsn": dsn}
    for k in ("host", "port", "passfile", "timeout"):
        if k in kwargs:
            passed[k] = str(kwargs[k])
    if "server_settings" in kwargs:
        passed["server_settings"] = json.dumps(kwargs["server_settings"], sort_keys=True)
    if "password" in kwargs:
        passed["password"] = "(given)"
    if resolver.names:
        passed["resolve"] = ", ".join(f"{k}->{v}" for k, v in resolver.names.items())
    detail = {"passed": passed, "unsupported": unsupported_keywords(ASYNCPG, pairs), "notes": notes}

    async def run():
        connection = await asyncpg.connect(dsn, **kwargs)
        try:
            record = await connection.fetchrow(SERVER_VIEW_SQL)
            view = row_dict(record.keys(), record.values())
            sslinfo = None
            if view.get("has_sslinfo") == "t":
                r = await connection.fetchrow(SSLINFO_SQL)
                sslinfo = row_dict(r.keys(), r.values())
            return view, sslinfo
        finally:
            await connection.close(timeout=timeout)

    try:
        view, sslinfo = asyncio.run(asyncio.wait_for(run(), timeout * 2 + 1))
    except (asyncio.TimeoutError, TimeoutError) as error:
        detail["errorClass"] = error_class(error)
        return {"status": "rejected", "errorMessage": str(error) or "timeout", "timedOut": True}, detail
    except Exception as error:  # the driver's own failure: that is the result
        detail["errorClass"] = error_class(error)
        detail["sqlstate"] = getattr(error, "sqlstate", None)
        return {"status": "rejected", "errorMessage": str(error) or repr(error)}, detail
    return {"status": "accepted", "serverView": view, "sslinfo": sslinfo, "tls": None}, detail


# MARK: psycopg


def psycopg_identity():
    import psycopg

    libpq = psycopg.pq.version()
    return {
        "name": "psycopg",
        "version": psycopg.__version__,
        "runtime": f"CPython {platform.python_version()}",
        "tls": f"libpq {libpq // 10000}.{libpq % 10000} ({psycopg.pq.__impl__}, bundled OpenSSL)",
        "mapping": {k: f"{k} (conninfo, to libpq {libpq // 10000}.{libpq % 10000})" for k in ASYNCPG},
    }


def psycopg_request(request, resolver):
    import psycopg
    from psycopg import conninfo as ci

    pairs = [tuple(p) for p in request["parameters"]]
    params = dict(pairs)
    timeout = float(params.get("connect_timeout") or request.get("timeoutSeconds", 10))
    info = ci.make_conninfo("", **params)
    detail = {
        "passed": {"conninfo": ci.make_conninfo("", **{k: ("(given)" if k == "password" else v) for k, v in pairs})},
        "unsupported": [],
        "notes": [],
    }
    try:
        connection = psycopg.connect(info, autocommit=True)
    except Exception as error:
        detail["errorClass"] = error_class(error)
        detail["sqlstate"] = getattr(error, "sqlstate", None)
        return {"status": "rejected", "errorMessage": str(error) or repr(error)}, detail
    try:
        pg = connection.pgconn
        # psycopg exposes whether TLS is in use, not its protocol or cipher (the server says those).
        tls = {"encrypted": bool(pg.ssl_in_use)}
        with connection.cursor() as cursor:
            cursor.execute(SERVER_VIEW_SQL)
            view = row_dict([d.name for d in cursor.description], cursor.fetchone())
            sslinfo = None
            if view.get("has_sslinfo") == "t":
                cursor.execute(SSLINFO_SQL)
                sslinfo = row_dict([d.name for d in cursor.description], cursor.fetchone())
        used = bool(pg.used_password)
    except Exception as error:
        return {"status": "accepted", "queryError": f"{error_class(error)}: {error}"}, detail
    finally:
        connection.close()
    del timeout
    return {"status": "accepted", "serverView": view, "sslinfo": sslinfo, "tls": tls, "usedPassword": used}, detail


DRIVERS = {
    "asyncpg": (asyncpg_identity, asyncpg_request),
    "psycopg": (psycopg_identity, psycopg_request),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in DRIVERS:
        fail_hello(sys.argv[1] if len(sys.argv) > 1 else "?", "bad-request", "usage: probe.py asyncpg|psycopg")
    client = sys.argv[1]
    identity, handle = DRIVERS[client]
    set_environment({})
    try:
        driver = identity()
    except Exception as error:
        fail_hello(client, "driver-load-failed", f"{error_class(error)}: {error}")
    emit({"protocolVersion": PROTOCOL_VERSION, "client": client, "driver": driver, "libraries": None})
    resolver = Resolver()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            identifier = request["id"]
        except Exception as error:
            emit({"id": "", "error": {"code": "bad-request", "message": f"{error_class(error)}: {error}"}})
            continue
        try:
            set_environment(request.get("environment") or {})
            report, detail = handle(request, resolver)
            report.setdefault("timedOut", False)
            report.setdefault("localPorts", [])
            report.setdefault("serverErrors", [])
            report.setdefault("usedPassword", False)
            emit({"id": identifier, "report": report, "driver": detail})
        except Exception as error:  # a probe bug must not take the next request down
            emit({"id": identifier, "error": {"code": "probe-failed", "message": f"{error_class(error)}: {error}"}})


if __name__ == "__main__":
    main()
