#!/usr/bin/env python3
"""Deploys the SAM-built template into an AWS emulator nobody here wrote (ministack, from
PyPI) with `sam deploy`, and checks that one deploy gives a working helpdesk.

    tests/deploy-emulator.py SAM_BIN MINISTACK_VENV BUILD_DIR [CHANGED_BUILD_DIR [RC_FILE]]

Resource types the emulator does not know are removed from a copy of the built template
(and listed); nothing else is changed. The emulator creates no routes for the SAM HTTP
APIs (SAM puts them in the API's OpenAPI body), so HTTP functions are invoked with API
Gateway events; the WebSocket API is reached through the emulator. With
CHANGED_BUILD_DIR (the same code built with a changed dashboard), a second deploy must
replace the app and leave the first deploy's hashed files readable. With RC_FILE, that
build is still running when this starts: its exit code appears in RC_FILE once it ends.

The account already has an active SES receipt rule set (made by the test), which the
deploy names (ExistingReceiptRuleSet) and must leave active. The other way, the stack's
own set activated by Custom::ActiveReceiptRuleSet, is checked by sending the deployed
function CloudFormation's requests (Create, Update, Delete), their ResponseURL a
listener here, against the emulator's SES.

Run with the SAM CLI's Python (boto3, PyYAML). Exits non-zero on the first failed check.
"""

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

import boto3
import yaml

STACK = "wrrk-emulator"
REGION = "us-east-1"
# The account's active receipt rule set, made before the deploy: the stack must add its
# rule there and leave it active (ExistingReceiptRuleSet).
ACCOUNT_RULE_SET = "account-rules"


def step(text):
    print(f"--> {text}", flush=True)


def fail(text):
    print(f"FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def check(condition, text):
    if not condition:
        fail(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def known_types(ministack_python):
    """The resource types the emulator's CloudFormation provisions (asked of itself)."""
    code = (
        "import json\n"
        "from ministack.services.cloudformation.provisioners import _RESOURCE_HANDLERS\n"
        "print(json.dumps(sorted(_RESOURCE_HANDLERS)))\n"
    )
    return set(json.loads(subprocess.check_output([ministack_python, "-c", code])))


def emulator_template(build_dir, known):
    """Writes a copy of the built template without the types the emulator lacks."""
    with open(os.path.join(build_dir, "template.yaml")) as f:
        template = yaml.safe_load(f)
    removed = {}
    for logical_id, resource in list(template["Resources"].items()):
        kind = resource.get("Type", "")
        # SAM's own types are transformed by the emulator; Custom:: are Lambda-backed.
        if kind.startswith("AWS::Serverless::") or kind.startswith("Custom::"):
            continue
        if kind not in known:
            removed.setdefault(kind, []).append(logical_id)
            del template["Resources"][logical_id]
    path = os.path.join(build_dir, "template.emulator.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(template, f, sort_keys=False)
    return path, removed


def sam_deploy(sam, template, env):
    out = subprocess.run(
        [
            sam, "deploy", "--template-file", template, "--stack-name", STACK,
            "--resolve-s3", "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND",
            "--no-confirm-changeset", "--no-fail-on-empty-changeset", "--region", REGION,
            # The emulator creates SES identities but has no DKIM tokens to read back.
            "--parameter-overrides", "Architecture=x86_64", "CreateMailIdentity=false",
            f"ExistingReceiptRuleSet={ACCOUNT_RULE_SET}",
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    if out.returncode != 0:
        print(out.stdout[-6000:], file=sys.stderr)
        fail(f"sam deploy exited with {out.returncode}")


def http_event(method, path, body=None, token=None, params=None):
    """An API Gateway HTTP API (payload 2.0) event, as the HttpApi integration sends."""
    headers = {"host": "app.example.com", "content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "app.example.com",
            "domainPrefix": "app", "requestId": str(uuid.uuid4()), "routeKey": f"{method} {path}",
            "stage": "$default", "time": "04/Dec/2026:10:00:00 +0000", "timeEpoch": 0,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.9", "userAgent": "deploy-emulator"},
        },
        "pathParameters": params or None,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def ses_event(message_id, recipient):
    """The event an SES receipt rule's Lambda action sends (the mail itself is in S3)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    return {"Records": [{
        "eventSource": "aws:ses", "eventVersion": "1.0",
        "ses": {
            "mail": {"timestamp": now, "source": "dora@example.com", "messageId": message_id,
                     "destination": [recipient], "headersTruncated": False, "headers": [],
                     "commonHeaders": {"returnPath": "dora@example.com"}},
            "receipt": {"timestamp": now, "processingTimeMillis": 1, "recipients": [recipient],
                        "spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "PASS"},
                        "spfVerdict": {"status": "PASS"}, "dkimVerdict": {"status": "PASS"},
                        "dmarcVerdict": {"status": "PASS"},
                        "action": {"type": "Lambda", "invocationType": "Event",
                                   "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:email-inbound"}},
        },
    }]}


class Answers:
    """Where CloudFormation's ResponseURL points when the test sends a custom resource
    request itself: a local listener that keeps each answer PUT to it."""

    def __init__(self):
        import http.server
        import threading
        answers = self.answers = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                answers[self.path.strip("/")] = json.loads(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def event(self, request_type, resource_type, properties, physical_id=None):
        request_id = str(uuid.uuid4())
        event = {
            "RequestType": request_type,
            "ResponseURL": f"http://127.0.0.1:{self.server.server_address[1]}/{request_id}",
            "StackId": f"arn:aws:cloudformation:{REGION}:000000000000:stack/{STACK}/x",
            "RequestId": request_id, "LogicalResourceId": "ByTheTest",
            "ResourceType": resource_type, "ResourceProperties": properties,
        }
        if physical_id:
            event["PhysicalResourceId"] = physical_id
        return event

    def close(self):
        self.server.shutdown()


class Stack:
    def __init__(self, session):
        self.cfn = session.client("cloudformation")
        self.lam = session.client("lambda")
        self.s3 = session.client("s3")
        self.apigw = session.client("apigatewayv2")
        self.refresh()

    def refresh(self):
        stack = self.cfn.describe_stacks(StackName=STACK)["Stacks"][0]
        self.status = stack["StackStatus"]
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        self.resources = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in self.cfn.describe_stack_resources(StackName=STACK)["StackResources"]
        }

    def invoke(self, logical_id, event):
        out = self.lam.invoke(FunctionName=self.resources[logical_id], Payload=json.dumps(event))
        payload = json.loads(out["Payload"].read() or b"null")
        check("FunctionError" not in out, f"{logical_id} failed: {payload}")
        return payload

    def call(self, logical_id, method, path, body=None, token=None, params=None):
        resp = self.invoke(logical_id, http_event(method, path, body, token, params))
        text = resp.get("body") or "null"
        if resp.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return resp["statusCode"], json.loads(text)

    def site_keys(self):
        bucket = self.resources["Bucket"]
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="site/"):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return set(keys)

    def site_object(self, key):
        out = self.s3.get_object(Bucket=self.resources["Bucket"], Key=f"site/{key}")
        return out["Body"].read().decode(), out.get("CacheControl", "")


class Socket:
    """A minimal WebSocket client (RFC 6455: text frames, masked as clients must)."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n").encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            check(chunk, "the WebSocket handshake was cut")
            head += chunk
        status = head.split(b"\r\n")[0].decode()
        check(" 101 " in status, f"the WebSocket API refused the connection: {status}")

    def send(self, value):
        data = json.dumps(value).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            check(chunk, "the WebSocket closed")
            buf += chunk
        return buf

    def receive(self, deadline):
        self.sock.settimeout(max(0.1, deadline - time.monotonic()))
        first, second = self._exact(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._exact(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._exact(8))[0]
        payload = self._exact(length)
        if first & 0x0F == 0x8:
            fail(f"the WebSocket API closed the connection: {payload!r}")
        return json.loads(payload) if first & 0x0F == 0x1 else None

    def wait_for(self, event_name, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                frame = self.receive(deadline)
            except socket.timeout:
                break
            if frame and frame.get("event") == event_name:
                return frame
        fail(f"no {event_name} frame within {seconds} s")


def main():
    sam, ministack_venv, build_dir = sys.argv[1:4]
    changed_build_dir = sys.argv[4] if len(sys.argv) > 4 else None
    changed_rc_file = sys.argv[5] if len(sys.argv) > 5 else None
    port = free_port()
    work = tempfile.mkdtemp(prefix="wrrk-emulator-")
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "SAM_CLI_TELEMETRY": "0",
    })
    env.pop("AWS_PROFILE", None)
    os.environ.clear()
    os.environ.update(env)  # boto3 here, the SAM CLI below: both at the emulator
    log = open(os.path.join(work, "ministack.log"), "w")
    emulator = subprocess.Popen(
        [os.path.join(ministack_venv, "bin", "ministack")],
        env={**env, "GATEWAY_PORT": str(port), "BIND_HOST": "127.0.0.1", "TMPDIR": work},
        stdout=log, stderr=subprocess.STDOUT,
    )
    ok = False
    try:
        check(wait_for_port(port, 60), "the emulator did not start")
        run(sam, ministack_venv, build_dir, changed_build_dir, changed_rc_file, port, env)
        ok = True
    except SystemExit:
        log.flush()
        with open(log.name) as f:
            print("".join(f.readlines()[-40:]), file=sys.stderr)
        raise
    finally:
        emulator.terminate()
        try:
            emulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emulator.kill()
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"the emulator's files and log: {work}", file=sys.stderr)


def wait_for_build(rc_file, seconds=1800):
    """Waits for the build running beside this test to write its exit code."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(rc_file):
        check(time.monotonic() < deadline, f"the second build did not end in {seconds} s")
        time.sleep(1)
    with open(rc_file) as f:
        rc = f.read().strip()
    check(rc == "0", f"the second build failed ({rc})")


def check_activation(stack, ses):
    """Custom::ActiveReceiptRuleSet, sent by the test as CloudFormation would: it never
    replaces another active set, activates the stack's own, and on delete deactivates
    only its own."""
    answers = Answers()
    own = {"RuleSetName": "wrrk-own"}
    ses.create_receipt_rule_set(RuleSetName="wrrk-own")
    physical = "active-receipt-rule-set:wrrk-own"

    def send(request_type, physical_id=None):
        event = answers.event(request_type, "Custom::ActiveReceiptRuleSet", own, physical_id)
        stack.invoke("DeploySetupFunction", event)
        return answers.answers[event["RequestId"]]

    def active():
        return ses.describe_active_receipt_rule_set().get("Metadata", {}).get("Name")

    try:
        answer = send("Create")
        check(answer["Status"] == "FAILED", f"create over another active set: {answer}")
        check(f"ExistingReceiptRuleSet={ACCOUNT_RULE_SET}" in answer["Reason"], answer["Reason"])
        check(active() == ACCOUNT_RULE_SET, f"active {active()!r} after a refused create")
        # The rollback's delete leaves the account's set alone.
        answer = send("Delete", "ByTheTest")
        check(answer["Status"] == "SUCCESS" and active() == ACCOUNT_RULE_SET, f"{answer} {active()!r}")
        ses.set_active_receipt_rule_set()  # an account with no active set
        answer = send("Create")
        check(answer["Status"] == "SUCCESS", f"create: {answer}")
        check(answer["PhysicalResourceId"] == physical, f"create: {answer}")
        check(active() == "wrrk-own", f"active {active()!r} after create")
        answer = send("Update", physical)
        check(answer["Status"] == "SUCCESS" and active() == "wrrk-own", f"{answer} {active()!r}")
        answer = send("Delete", physical)
        check(answer["Status"] == "SUCCESS" and active() is None, f"{answer} {active()!r}")
        print("    refused over another set, activated, kept, deactivated", flush=True)
    finally:
        ses.set_active_receipt_rule_set(RuleSetName=ACCOUNT_RULE_SET)
        answers.close()


def run(sam, ministack_venv, build_dir, changed_build_dir, changed_rc_file, port, env):
    known = known_types(os.path.join(ministack_venv, "bin", "python"))
    template, removed = emulator_template(build_dir, known)
    print("removed, unknown to the emulator:", flush=True)
    for kind, ids in sorted(removed.items()):
        print(f"    {kind}: {', '.join(ids)}", flush=True)

    session = boto3.session.Session(region_name=REGION)  # credentials and endpoint: env
    ses = session.client("ses")
    ses.create_receipt_rule_set(RuleSetName=ACCOUNT_RULE_SET)
    ses.set_active_receipt_rule_set(RuleSetName=ACCOUNT_RULE_SET)

    step(f"sam deploy (first), into an account whose active rule set is {ACCOUNT_RULE_SET}")
    started = time.monotonic()
    sam_deploy(sam, template, env)
    stack = Stack(session)
    check(stack.status == "CREATE_COMPLETE", f"stack status {stack.status}")
    print(f"    {stack.status} in {time.monotonic() - started:.0f} s", flush=True)

    step("the account's rule set stays the active one; the stack made no set of its own")
    active = ses.describe_active_receipt_rule_set().get("Metadata", {}).get("Name")
    check(active == ACCOUNT_RULE_SET, f"active rule set {active!r}")
    check(stack.outputs["ReceiptRuleSetName"] == ACCOUNT_RULE_SET,
          f"ReceiptRuleSetName {stack.outputs['ReceiptRuleSetName']}")
    for absent in ("ReceiptRuleSet", "ReceiptRuleSetActivation"):
        check(absent not in stack.resources, f"{absent} was created")

    step("the rule-set activation (deploy-setup) against the emulator's SES")
    check_activation(stack, ses)

    step("the deploy put the app, its assets and widget.js in the bucket")
    keys = stack.site_keys()
    index, cache = stack.site_object("index.html")
    check(cache == "no-cache", f"index.html Cache-Control {cache!r}")
    assets = sorted(k for k in keys if k.startswith("site/assets/"))
    check(assets, f"no hashed assets: {sorted(keys)}")
    check(all(a[len("site/"):] in index for a in assets), "index.html does not name its assets")
    _, cache = stack.site_object(assets[0][len("site/"):])
    check(cache == "public, max-age=31536000, immutable", f"asset Cache-Control {cache!r}")
    check("site/widget.js" in keys, "no widget.js")
    check(any(k.startswith("site/widget.") and k != "site/widget.js" for k in keys),
          "no hashed widget")

    step("the generated config names the deployed APIs")
    config = json.loads(stack.site_object("config.json")[0])
    check(config["wsUrl"] == stack.outputs["WebSocketUrl"], f"config {config}")
    check(config["apiUrl"] == stack.outputs["AppUrl"], f"config {config}")
    ws_api = stack.resources["WebSocketApi"]
    check(ws_api in config["wsUrl"], f"{config['wsUrl']} does not name {ws_api}")

    step("the WebSocket API has its routes")
    routes = {r["RouteKey"] for r in stack.apigw.get_routes(ApiId=ws_api)["Items"]}
    want = {"$connect", "$disconnect", "$default", "ticket:subscribe", "ticket:unsubscribe",
            "typing:start", "typing:stop"}
    check(want <= routes, f"routes {sorted(routes)}")

    step("signup is closed but for the setup link, which works once")
    setup_url = stack.outputs["SetupUrl"]
    check("/signup?setup=" in setup_url, f"SetupUrl {setup_url}")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(setup_url).query)["setup"][0]
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    signup = {"organizationName": "Acme", "name": "Ada Admin", "email": email,
              "password": "correct horse battery"}
    status, body = stack.call("AuthSignupFunction", "POST", "/api/auth/signup", signup)
    check(status == 403, f"signup without the link: {status} {body}")
    status, body = stack.call("AuthSignupFunction", "POST", "/api/auth/signup",
                              {**signup, "setupToken": token})
    check(status == 201, f"signup through the link: {status} {body}")
    session_token = body["data"]["token"]
    signup_org_id = body["data"]["organization"]["id"]

    step("a ticket")
    status, body = stack.call("TicketsCreateFunction", "POST", "/api/tickets", {
        "subject": "Printer on fire", "customer": {"email": "carol@example.com"},
        "message": "It is on fire.",
    }, session_token)
    check(status == 201, f"ticket: {status} {body}")
    ticket_id = body["data"]["id"]

    step("a socket subscription and a live message:new")
    ws = Socket(port, f"/_aws/execute-api/{ws_api}/live?token={urllib.parse.quote(session_token)}")
    ws.send({"action": "ticket:subscribe", "ticketId": ticket_id})
    ws.wait_for("ticket:subscribed")
    status, body = stack.call("TicketMessagesCreateFunction", "POST",
                              f"/api/tickets/{ticket_id}/messages",
                              {"content": "On our way."}, session_token, {"id": ticket_id})
    check(status == 201, f"reply: {status} {body}")
    frame = ws.wait_for("message:new")
    check("On our way." in json.dumps(frame), f"frame {frame}")

    step("a mail that fails every attempt lands in the dead-letter queue; replayed, it opens one ticket")
    org_id = signup_org_id
    status, body = stack.call("OrganizationsGetFunction", "GET", f"/api/organizations/{org_id}",
                              None, session_token, {"id": org_id})
    check(status == 200, f"organization: {status} {body}")
    support = body["data"]["supportAddress"]
    message_id = f"emulator-{uuid.uuid4().hex}"
    subject = f"Replayed {message_id[-8:]}"
    # The raw mail is not in the bucket yet (as if SES's S3 action had not landed): every
    # attempt fails, Lambda's retries included, and the event goes to the queue.
    stack.lam.invoke(FunctionName=stack.resources["EmailInboundFunction"], InvocationType="Event",
                     Payload=json.dumps(ses_event(message_id, support)))
    queue = stack.outputs["MailDeadLetterQueueUrl"]
    sqs = session.client("sqs")
    deadline = time.monotonic() + 60
    record = None
    while record is None and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, VisibilityTimeout=30)
        record = (got.get("Messages") or [None])[0]
    check(record is not None, "the failed mail never reached the dead-letter queue")
    failed = json.loads(record["Body"])
    check(failed["requestPayload"]["Records"][0]["ses"]["mail"]["messageId"] == message_id,
          f"unexpected record {record['Body'][:300]}")
    # The cause is fixed (the mail is there); replay as docs/deploy.md does, twice.
    raw = (f"From: Dora Customer <dora@example.com>\r\nTo: {support}\r\n"
           f"Subject: {subject}\r\nMessage-ID: <{message_id}@example.com>\r\n"
           "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nThe printer is on fire.\r\n")
    stack.s3.put_object(Bucket=stack.resources["Bucket"], Key=f"inbound/{message_id}",
                        Body=raw.encode())
    for _ in range(2):
        stack.invoke("EmailInboundFunction", failed["requestPayload"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=record["ReceiptHandle"])
    status, body = stack.call("TicketsListFunction", "GET", "/api/tickets", None, session_token)
    check(status == 200, f"tickets: {status} {body}")
    replayed = [t for t in body["data"] if t["subject"] == subject]
    check(len(replayed) == 1, f"{len(replayed)} tickets from the replayed mail")

    if changed_build_dir:
        if changed_rc_file:
            step("waiting for the build with a changed dashboard")
            wait_for_build(changed_rc_file)
        step("sam deploy (second, with a changed dashboard)")
        template, _ = emulator_template(changed_build_dir, known)
        sam_deploy(sam, template, env)
        stack.refresh()
        check(stack.status == "UPDATE_COMPLETE", f"stack status {stack.status}")
        keys_after = stack.site_keys()
        index_after, _ = stack.site_object("index.html")
        check(index_after != index, "index.html was not replaced")
        new_assets = sorted(k for k in keys_after if k.startswith("site/assets/")
                            and k[len("site/"):] in index_after)
        check(new_assets and set(new_assets) - set(assets), "no new hashed assets")
        for key in assets:
            body, _ = stack.site_object(key[len("site/"):])
            check(body, f"{key} is gone after the second deploy")
        check("used" in stack.outputs["SetupUrl"], f"SetupUrl {stack.outputs['SetupUrl']}")
        print(f"    kept {len(assets)} old hashed file(s), added {len(set(new_assets) - set(assets))}",
              flush=True)

    print("the emulator deploy works", flush=True)


if __name__ == "__main__":
    main()
