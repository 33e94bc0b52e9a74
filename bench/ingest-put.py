#!/usr/bin/env python3
"""PUTs a file to a URL with sendfile (the kernel copies it from the page cache to the
socket), so that the client costs as little CPU as possible. Prints the seconds from the
first byte sent to the response's status line, then the status.
Usage: ingest-put.py URL FILE CONTENT-TYPE"""
import os
import socket
import sys
import time
from urllib.parse import urlsplit

url, path, content_type = sys.argv[1], sys.argv[2], sys.argv[3]
parts = urlsplit(url)
size = os.path.getsize(path)
target = parts.path + ("?" + parts.query if parts.query else "")
with socket.create_connection((parts.hostname, parts.port or 80)) as connection, open(path, "rb") as body:
    start = time.monotonic()
    head = f"PUT {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: {content_type}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    connection.sendall(head.encode())
    connection.sendfile(body)
    reply = connection.makefile("rb")
    status = reply.readline().decode().split(" ")[1]
    elapsed = time.monotonic() - start
    reply.read()
print(f"{elapsed:.3f} {status}")
