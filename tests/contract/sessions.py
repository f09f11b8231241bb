"""Signs in to a fresh local stack for the contract run: prints the demo admin's session
token and a chat visitor's token (the two bearer schemes of openapi.json), one per line.
Polls until the stack has seeded its demo organization (60 s at most)."""
import json
import sys
import time
import urllib.error
import urllib.request

base = sys.argv[1]


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json", "origin": base}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


deadline = time.monotonic() + 60
while True:
    try:
        status, login = call(
            "POST",
            "/api/auth/login",
            {"email": "admin@demo.wrrk.test", "password": "wrrk-demo-password"},
        )
        if status == 200:
            break
    except (urllib.error.URLError, ConnectionError):
        pass
    if time.monotonic() > deadline:
        sys.exit("the local stack did not start")
    time.sleep(0.2)
session = login["data"]["token"]
org_id = login["data"]["user"]["orgId"]
_, org = call("GET", f"/api/organizations/{org_id}", token=session)
status, visitor = call(
    "POST",
    "/api/widget/sessions",
    {"widgetKey": org["data"]["widget"]["widgetKey"], "name": "Contract run"},
)
if status != 201:
    sys.exit(f"no visitor session: {status} {visitor}")
print(session)
print(visitor["data"]["token"])
