#!/usr/bin/env python3
"""Connects once with a given libpq file over TLS and prints what really happened, as JSON.

scripts/setup-builds uses it to check a freshly unpacked build before it is moved into
place: the libpq loads, it speaks TLS to a real server, and it maps the OpenSSL we think it
does. ctypes loads the libpq by path into this Python process, which maps no other OpenSSL
(nothing here imports ssl/hashlib), so /proc/self/maps names the libssl/libcrypto that
libpq itself pulled in.

usage: libpq-check.py LIBPQ_PATH CONNINFO
"""

import ctypes
import json
import sys


def mapped(prefix):
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if line.rstrip().split()[-1].startswith("/")}
    return sorted(p for p in paths if p.rsplit("/", 1)[-1].startswith(prefix))


def main():
    libpq_path, conninfo = sys.argv[1], sys.argv[2]
    pq = ctypes.CDLL(libpq_path)
    pq.PQconnectdb.restype = ctypes.c_void_p
    pq.PQconnectdb.argtypes = [ctypes.c_char_p]
    for name in ("PQstatus", "PQlibVersion"):
        getattr(pq, name).restype = ctypes.c_int
    pq.PQstatus.argtypes = [ctypes.c_void_p]
    for name in ("PQerrorMessage", "PQsslAttribute", "PQgetvalue"):
        getattr(pq, name).restype = ctypes.c_char_p
    pq.PQerrorMessage.argtypes = [ctypes.c_void_p]
    pq.PQsslAttribute.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    pq.PQexec.restype = ctypes.c_void_p
    pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    pq.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    pq.PQntuples.argtypes = [ctypes.c_void_p]
    pq.PQfinish.argtypes = [ctypes.c_void_p]

    result = {"libpq": libpq_path, "libpqVersion": pq.PQlibVersion()}
    conn = pq.PQconnectdb(conninfo.encode())
    if pq.PQstatus(conn) != 0:
        result["error"] = pq.PQerrorMessage(conn).decode(errors="replace").strip()
        pq.PQfinish(conn)
        print(json.dumps(result))
        return 1
    for key in ("protocol", "cipher", "library"):
        value = pq.PQsslAttribute(conn, key.encode())
        result[key] = value.decode() if value else None
    res = pq.PQexec(
        conn,
        b"SELECT current_setting('server_version'), current_setting('ssl_library'), s.ssl"
        b" FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()",
    )
    if pq.PQntuples(res) == 1:
        result["serverVersion"] = pq.PQgetvalue(res, 0, 0).decode()
        result["serverSSLLibrary"] = pq.PQgetvalue(res, 0, 1).decode()
        result["serverSaysSSL"] = pq.PQgetvalue(res, 0, 2).decode() == "t"
    pq.PQfinish(conn)
    result["libssl"] = mapped("libssl")
    result["libcrypto"] = mapped("libcrypto")
    if len(result["libcrypto"]) == 1:
        crypto = ctypes.CDLL(result["libcrypto"][0])
        crypto.OpenSSL_version.restype = ctypes.c_char_p
        crypto.OpenSSL_version.argtypes = [ctypes.c_int]
        result["openssl"] = crypto.OpenSSL_version(0).decode()
    print(json.dumps(result))
    ok = result.get("protocol") and result.get("serverSaysSSL") and len(result["libssl"]) == 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
