"""Schemathesis hooks for ContractTests (loaded through `hooks` in schemathesis.toml).

A signed URL signs its query parameters in the order Grey wrote them, and clients use
the URL as it is. Schemathesis builds each query from its parameters in name order, so
this puts the signed names back in Grey's order before a request is sent; parameters
the signature does not name (made-up ones) follow them.
"""

import schemathesis

SIGNED_ORDER = {
    ("GET", "/v1/files/{fileId}/content"): ["tenant", "disposition", "expires", "kid", "sig"],
    ("HEAD", "/v1/files/{fileId}/content"): ["tenant", "disposition", "expires", "kid", "sig"],
    ("GET", "/v1/previews/{fileId}/{name}"): ["tenant", "expires", "kid", "sig"],
    ("HEAD", "/v1/previews/{fileId}/{name}"): ["tenant", "expires", "kid", "sig"],
    ("PUT", "/v1/uploads/{fileId}"): ["tenant", "size", "sha256", "type", "expires", "kid", "sig"],
}


@schemathesis.hook
def before_call(context, case, kwargs):
    order = SIGNED_ORDER.get((case.operation.method.upper(), case.operation.path))
    if order is None or not isinstance(case.query, dict):
        return
    signed = {name: case.query[name] for name in order if name in case.query}
    rest = {name: value for name, value in case.query.items() if name not in signed}
    case.query = {**signed, **rest}
