#!/usr/bin/env python3
"""Upload-to-ready time: uploads FILE COUNT times through its signed URL and, after each
PUT's 201, polls the file every 10 ms until it is ready; prints one line per upload (the
seconds from the end of the PUT to ready) and nothing else.

    preview-ready.py BASE_URL KEY FILE CONTENT_TYPE COUNT
"""
import hashlib
import json
import os
import sys
import time
import urllib.request

base, key, path, content_type, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
body = open(path, "rb").read()
digest = hashlib.sha256(body).hexdigest()


def call(method, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


for _ in range(count):
    declared = call("POST", base + "/v1/uploads", json.dumps({
        "filename": os.path.basename(path), "contentType": content_type, "size": len(body), "sha256": digest,
    }).encode(), {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    call("PUT", declared["upload"]["url"], body, {"Content-Type": content_type})
    uploaded = time.monotonic()
    while True:
        file = call("GET", base + "/v1/files/" + declared["fileId"], headers={"Authorization": "Bearer " + key})
        if file["status"] in ("ready", "rejected"):
            break
        time.sleep(0.01)
    if file["status"] != "ready":
        sys.exit("%s was rejected: %s" % (path, file.get("rejection")))
    print("%.4f" % (time.monotonic() - uploaded))
