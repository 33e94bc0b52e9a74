#!/usr/bin/env python3
"""Creates N users with one funded EUR wallet each through Grey's HTTP API and prints
the wallet ids, one a line. Usage: ledger-setup.py BASE_URL KEY COUNT FUNDING"""
import http.client
import json
import sys
import threading
import urllib.parse
import uuid

base, key, count, funding = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
host = urllib.parse.urlparse(base)
wallets = [None] * count


def call(connection, path, body, idempotent=False):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idempotent:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    connection.request("POST", path, json.dumps(body), headers)
    response = connection.getresponse()
    data = json.loads(response.read())
    if response.status != 201:
        raise SystemExit(f"{path}: {response.status} {data}")
    return data


def work(indices):
    connection = http.client.HTTPConnection(host.hostname, host.port)
    for index in indices:
        user = call(connection, "/v1/users", {"externalId": f"bench-{index}-{uuid.uuid4()}"})
        wallet = call(connection, "/v1/wallets", {"userId": user["id"], "currency": "EUR"})
        call(connection, "/v1/transactions/fund",
             {"walletId": wallet["id"], "amount": funding, "externalRef": str(uuid.uuid4())}, idempotent=True)
        wallets[index] = wallet["id"]


threads = [threading.Thread(target=work, args=(range(start, count, 16),)) for start in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("\n".join(wallets))
