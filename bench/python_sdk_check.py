#!/usr/bin/env python3
"""Runs Telnyx's official Python SDK (`pip install telnyx`) against telnyx-accounts-mock.

Not part of CI. How to run, from the repo root:

    cargo run --release -p telnyx-accounts-mock -- --port 4010 --api-key KEY --accounts 1000 --users 200 &
    python3 -m venv /tmp/pyvenv && /tmp/pyvenv/bin/pip install telnyx
    /tmp/pyvenv/bin/python bench/python_sdk_check.py --base-url http://127.0.0.1:4010/v2 --api-key KEY

(Run it from the repo root or anywhere without a stray `bisect.py`/`random.py`
in the current directory.) It uses the SDK as a new user would
(`telnyx.Telnyx(api_key=..., base_url=...)`, `client.managed_accounts`,
`client.organizations.users`) and checks every one of the twelve operations:
paging over several pages, every filter, every sort (`-email` too), create,
retrieve, update, disable, enable, channel limit, allocatable channels, the
users list / retrieve / remove, and the groups report as JSON and as CSV
(`accept="text/csv"`), the error classes, and that every field the SDK's
models declare is present. Each run creates one account and removes one user.
Exit status 0: every check passed.

With `--client-id ID --client-secret SECRET` (the program started with the
same `--client-id`/`--client-secret`), it also checks OAuth2 client
credentials: the SDK, given no API key, gets a token from the mock and lists
accounts with it. The SDK posts its token request to the absolute
`https://api.telnyx.com/v2/oauth/token` whatever its base URL is, so the
check gives it an httpx transport that sends api.telnyx.com to the mock
instead, and refuses any host but loopback: nothing leaves the machine.
(`bench/record_token_request.py` records that token request byte for byte
into `tests/fixtures/oauth/`, which CI compares `telnyx-accounts`'s with.)

Options:
  --wire        also print every request the SDK sent (method, path, decoded
                query pairs in order, raw query, JSON body)
  --wire-only   send only a fixed set of calls (all twelve operations, every
                filter, two auto-paged lists, the CSV report) and print them;
                used to compare the SDK's wire format with the Rust client's:
                run the same calls with `telnyx-accounts` against an embedded
                `MockServer`, start this script against that mock, and compare
                `MockServer::requests()` for the two halves (method, path,
                `query_pairs`, raw `query`, `json()` body, headers)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import urllib.parse
import uuid

import httpx
import telnyx

SENT: list[httpx.Request] = []
FAILURES: list[str] = []


def record(request: httpx.Request) -> None:
    SENT.append(request)


def check(cond: bool, what: str) -> None:
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def wire_line(r: httpx.Request) -> str:
    raw = r.url.query.decode()
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    body = r.content.decode() if r.content else ""
    return f"{r.method} {r.url.path} query={pairs} raw_query={raw!r} body={body!r}"


def make_client(args: argparse.Namespace) -> telnyx.Telnyx:
    http = httpx.Client(event_hooks={"request": [record]})
    return telnyx.Telnyx(api_key=args.api_key, base_url=args.base_url, max_retries=0, http_client=http)


def wire_calls(client: telnyx.Telnyx) -> None:
    """The calls compared with the Rust client, one request each."""
    ma = client.managed_accounts
    ma.list(
        filter={
            "email": {"contains": "young", "eq": "x@example.com"},
            "organization_name": {"contains": "Acme", "eq": "Acme Bakery Inc"},
            "status": {"eq": "enabled"},
        },
        sort="-email",  # type: ignore[arg-type]  # the SDK's Literal omits the "-" forms
        include_cancelled_accounts=True,
        page_number=2,
        page_size=50,
    )
    ma.list(include_cancelled_accounts=False, page_size=250)
    created = ma.create(business_name="Wire Check Inc", email="wire.py@check.example.com", rollup_billing=False)
    acct = created.data.id
    ma.update(acct, managed_account_allow_custom_pricing=True)
    ma.actions.disable(acct)
    ma.actions.enable(acct, reenable_all_connections=True)
    ma.actions.enable(acct)
    ma.update_global_channel_limit(acct, channel_limit=3)
    users = client.organizations.users
    users.list(filter_email="example.org", filter_user_status="enabled", include_groups=True, page_number=1, page_size=10)
    second = users.list(page_size=2).data[1].id
    users.retrieve(second, include_groups=False)
    ma.retrieve(acct)
    ma.get_allocatable_global_outbound_channels()
    sum(1 for _ in ma.list(filter={"status": {"eq": "disabled"}}, page_size=50))  # auto-paging: 2 pages
    sum(1 for _ in users.list(page_size=100, include_groups=True))  # auto-paging: 2 pages
    users.get_groups_report()
    users.with_raw_response.get_groups_report(accept="text/csv")
    users.actions.remove(second)


def unset_fields(model: object, name: str = "") -> list[str]:
    """Fields the SDK's model declares that the response left out, recursively."""
    out = []
    for field in type(model).model_fields:  # type: ignore[attr-defined]
        if field not in model.model_fields_set:  # type: ignore[attr-defined]
            out.append(name + field)
            continue
        value = getattr(model, field)
        for v in value if isinstance(value, list) else [value]:
            if hasattr(type(v), "model_fields"):
                out += unset_fields(v, f"{name}{field}.")
    return out


def expect_error(cls: type, call, what: str) -> None:
    try:
        call()
        check(False, f"{what} -> {cls.__name__}")
    except telnyx.APIStatusError as e:
        check(isinstance(e, cls), f"{what} -> {type(e).__name__} {e.status_code}")


def full_check(client: telnyx.Telnyx) -> None:
    ma = client.managed_accounts

    print("managed accounts: list and auto-paging")
    first = ma.list(page_size=100)
    total = first.meta.total_results
    check(first.meta.page_number == 1 and first.meta.page_size == 100, "first page meta echoes page[size]=100")
    before = len(SENT)
    ids = [a.id for a in ma.list(page_size=100)]  # auto_paging_iter
    pages = len(SENT) - before
    check(len(ids) == total == len(set(ids)), f"auto-paging yields all {total} accounts once each")
    check(pages == first.meta.total_pages > 1, f"auto-paging fetched {pages} pages (page[number] 1..{first.meta.total_pages})")
    p3 = ma.list(page_number=3, page_size=100)
    check(p3.meta.page_number == 3 and [a.id for a in p3.data] == ids[200:300], "page_number=3 is the third slice")
    with_cancelled = ma.list(include_cancelled_accounts=True, page_size=1).meta.total_results
    check(with_cancelled > total, f"include_cancelled_accounts=True lists more ({with_cancelled} > {total})")

    print("managed accounts: filters and sort")
    page = ma.list(filter={"email": {"contains": "YOUNG"}}, page_size=250)
    check(page.data and all("young" in a.email.lower() for a in page.data), f"filter[email][contains] (case-insensitive): {len(page.data)}")
    target = page.data[0]
    page = ma.list(filter={"email": {"eq": target.email}})
    check([a.id for a in page.data] == [target.id], "filter[email][eq]")
    page = ma.list(filter={"organization_name": {"contains": "bakery"}}, page_size=250)
    check(page.data and all("bakery" in (a.organization_name or "").lower() for a in page.data), f"filter[organization_name][contains]: {len(page.data)}")
    org = page.data[0].organization_name
    page = ma.list(filter={"organization_name": {"eq": org}}, page_size=250)
    check(page.data and all(a.organization_name == org for a in page.data), f"filter[organization_name][eq]={org!r}: {len(page.data)}")
    counts = {}
    for status in ["all", "active", "enabled", "disabled", "cancelled", "blocked"]:
        counts[status] = ma.list(filter={"status": {"eq": status}}, page_size=1).meta.total_results
    check(counts["all"] == with_cancelled and counts["active"] == total, f"filter[status][eq] all/active: {counts}")
    check(counts["enabled"] + counts["disabled"] + counts["blocked"] + counts["cancelled"] == counts["all"], "statuses add up")
    for sort, key, rev in [("email", "email", False), ("-email", "email", True), ("created_at", "created_at", False), ("-created_at", "created_at", True)]:
        page = ma.list(sort=sort, page_size=250)  # type: ignore[arg-type]
        values = [getattr(a, key).lower() if key == "email" else getattr(a, key) for a in page.data]
        check(values == sorted(values, reverse=rev), f"sort={sort}")
    default = [a.id for a in ma.list(page_size=50).data]
    check(default == [a.id for a in ma.list(sort="-created_at", page_size=50).data], "default order is -created_at")  # type: ignore[arg-type]

    print("managed accounts: create, retrieve, update, disable, enable, channels")
    email = f"python.sdk.{uuid.uuid4().hex[:8]}@check.example.com"  # unique, so the script can be rerun
    created = ma.create(
        business_name="Python SDK Check Inc",
        email=email,
        password="correct horse battery staple",
        managed_account_allow_custom_pricing=False,
        rollup_billing=False,
    ).data
    check(created.email == email and created.organization_name == "Python SDK Check Inc", f"create -> {created.id}")
    check(bool(created.api_key) and created.balance is not None, "create returns api_key and balance")
    got = ma.retrieve(created.id).data
    check(got.id == created.id and got.api_key == created.api_key, "retrieve")
    upd = ma.update(created.id, managed_account_allow_custom_pricing=True).data
    check(upd.managed_account_allow_custom_pricing is True, "update managed_account_allow_custom_pricing=True")
    eq = {"email": {"eq": created.email}}
    ma.actions.disable(created.id)
    check(ma.list(filter={**eq, "status": {"eq": "disabled"}}).meta.total_results == 1, "disable: listed under filter[status][eq]=disabled")
    ma.actions.enable(created.id, reenable_all_connections=True)
    check(ma.list(filter={**eq, "status": {"eq": "enabled"}}).meta.total_results == 1, "enable(reenable_all_connections=True): enabled again")
    ma.actions.disable(created.id)
    ma.actions.enable(created.id)
    check(ma.list(filter={**eq, "status": {"eq": "enabled"}}).meta.total_results == 1, "enable() with no body field")
    pool = ma.get_allocatable_global_outbound_channels().data
    before_alloc = pool.total_global_channels_allocated
    check(pool.allocatable_global_outbound_channels is not None, f"allocatable channels: {pool.allocatable_global_outbound_channels}, allocated {before_alloc}")
    lim = ma.update_global_channel_limit(created.id, channel_limit=5).data
    check(lim.channel_limit == 5 and lim.email == created.email, "update_global_channel_limit channel_limit=5")
    after_alloc = ma.get_allocatable_global_outbound_channels().data.total_global_channels_allocated
    check(after_alloc == before_alloc + 5, f"allocated {before_alloc} -> {after_alloc}")
    models = {
        "list item": ma.list(page_size=1).data[0],
        "create": created,
        "retrieve": got,
        "disable": ma.actions.disable(created.id).data,
        "enable": ma.actions.enable(created.id).data,
        "allocatable channels": pool,
        "channel limit": lim,
    }
    for name, model in models.items():
        missing = unset_fields(model)
        check(not missing, f"{name}: every field the SDK declares is present {missing or ''}")

    print("errors and edge cases")
    expect_error(telnyx.NotFoundError, lambda: ma.retrieve("00000000-0000-4000-8000-000000000000"), "unknown id")
    expect_error(telnyx.UnprocessableEntityError, lambda: ma.list(filter={"email": {"contains": "ab"}}), "2-character contains")
    expect_error(telnyx.UnprocessableEntityError, lambda: ma.list(page_size=251), "page_size=251")
    expect_error(telnyx.UnprocessableEntityError, lambda: ma.create(business_name=""), "blank business_name")
    expect_error(telnyx.UnprocessableEntityError, lambda: ma.update_global_channel_limit(created.id, channel_limit=-1), "channel_limit=-1")
    wrong = telnyx.Telnyx(api_key="WRONG", base_url=client.base_url, max_retries=0)
    expect_error(telnyx.AuthenticationError, lambda: wrong.managed_accounts.list(), "wrong API key")
    before = len(SENT)
    nothing = list(ma.list(filter={"email": {"contains": "no-such-email"}}))
    check(nothing == [] and len(SENT) - before == 1, "auto-paging an empty result: no items, one request")

    print("organization users")
    users = client.organizations.users
    first = users.list(page_size=50, include_groups=True)
    total = first.meta.total_results
    check(first.meta.total_pages > 1 and all(u.groups is not None for u in first.data), f"list include_groups=True, {total} users")
    before = len(SENT)
    all_users = list(users.list(page_size=50))
    check(len(all_users) == total and len(SENT) - before == first.meta.total_pages, f"auto-paging over {first.meta.total_pages} pages")
    no_groups = users.list(page_size=5, include_groups=False).data
    check(all(not u.groups for u in no_groups), "include_groups=False: no groups")
    page = users.list(filter_email="EXAMPLE.ORG", page_size=250)
    check(page.data and all("example.org" in u.email.lower() for u in page.data), f"filter[email] (partial): {len(page.data)}")
    for status in ["enabled", "disabled", "blocked"]:
        page = users.list(filter_user_status=status, page_size=250)
        check(page.data and all(u.user_status == status for u in page.data), f"filter[user_status]={status}: {len(page.data)}")
    check(not unset_fields(first.data[1]), "users list item (include_groups): every field present")
    expect_error(telnyx.PermissionDeniedError, lambda: users.actions.remove(all_users[0].id), "removing the owner")
    victim = all_users[5]
    got = users.retrieve(victim.id, include_groups=True).data
    check(got.id == victim.id and got.groups is not None, "retrieve include_groups=True")
    removed = users.actions.remove(victim.id).data
    check(removed.id == victim.id, "actions.remove")
    check(users.list(page_size=1).meta.total_results == total - 1, "removed user is gone from the list")
    try:
        users.retrieve(victim.id)
        check(False, "removed user -> NotFoundError")
    except telnyx.NotFoundError:
        check(True, "removed user -> NotFoundError")

    print("groups report")
    report = users.get_groups_report()
    check(len(report.data) == total - 1 and all(r.groups is not None for r in report.data), f"JSON: {len(report.data)} users with groups")
    raw = users.with_raw_response.get_groups_report(accept="text/csv")
    ctype = raw.http_response.headers.get("content-type", "")
    text = raw.http_response.text
    rows = list(csv.DictReader(io.StringIO(text)))
    check(ctype.startswith("text/csv") and len(rows) == total - 1, f"CSV via accept='text/csv': {len(rows)} rows, {ctype}")
    check(list(rows[0].keys()) == ["id", "email", "user_status", "created_at", "last_sign_in_at", "groups"], "CSV columns")
    by_id = {r.id: r for r in report.data}
    same = all(sorted(g.name for g in by_id[r["id"]].groups) == sorted(x.strip() for x in r["groups"].split(",") if x.strip()) for r in rows)
    check(same, "CSV groups match the JSON report")
    try:
        parsed = users.get_groups_report(accept="text/csv")
        print(f"  note get_groups_report(accept='text/csv') returned {type(parsed).__name__}")
    except Exception as e:  # the SDK casts the CSV body to the JSON model
        print(f"  note get_groups_report(accept='text/csv') without raw response: {type(e).__name__}: {e}")


class ToMock(httpx.BaseTransport):
    """Sends api.telnyx.com to the mock, and refuses every non-loopback host."""

    def __init__(self, base_url: str) -> None:
        self.target = httpx.URL(base_url)
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.telnyx.com":
            request.url = request.url.copy_with(scheme=self.target.scheme, host=self.target.host, port=self.target.port)
        if request.url.host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"refusing to send a request to {request.url.host}")
        return self.inner.handle_request(request)


def oauth_check(args: argparse.Namespace) -> None:
    print("OAuth2 client credentials (no API key)")
    os.environ.pop("TELNYX_API_KEY", None)
    sent: list[httpx.Request] = []
    http = httpx.Client(transport=ToMock(args.base_url), event_hooks={"request": [sent.append]})
    client = telnyx.Telnyx(
        api_key=None, client_id=args.client_id, client_secret=args.client_secret,
        base_url=args.base_url, max_retries=0, http_client=http,
    )
    first = client.managed_accounts.list(page_size=5)
    second = client.managed_accounts.list(page_size=5, page_number=2)
    tokens = [r for r in sent if r.url.path == "/v2/oauth/token"]
    check(len(first.data) == 5 and len(second.data) == 5, "lists accounts with a token")
    check(len(tokens) == 1, f"one token request for two calls ({len(tokens)})")
    if tokens:
        t = tokens[0]
        check(t.method == "POST" and t.content == b"grant_type=client_credentials", "token request: POST grant_type=client_credentials")
        check(t.headers.get("content-type") == "application/x-www-form-urlencoded", "token request: form-encoded")
        check(t.headers.get("authorization", "").startswith("Basic "), "token request: Basic credentials")
    api = [r for r in sent if r.url.path != "/v2/oauth/token"]
    check(all(r.headers.get("authorization", "").startswith("Bearer mock-token-") for r in api), "API requests carry the issued token")
    wrong = telnyx.Telnyx(
        api_key=None, client_id=args.client_id, client_secret="wrong-secret", base_url=args.base_url,
        max_retries=0, http_client=httpx.Client(transport=ToMock(args.base_url)),
    )
    expect_error(telnyx.AuthenticationError, lambda: wrong.managed_accounts.list(), "a wrong client secret")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", default="http://127.0.0.1:4010/v2")
    ap.add_argument("--api-key", default="KEY")
    ap.add_argument("--wire", action="store_true")
    ap.add_argument("--wire-only", action="store_true")
    ap.add_argument("--client-id")
    ap.add_argument("--client-secret")
    args = ap.parse_args()
    if "127.0.0.1" not in args.base_url and "localhost" not in args.base_url:
        sys.exit("refusing to run against a non-loopback base URL: this script creates and removes things")
    client = make_client(args)
    print(f"telnyx {telnyx.__version__} (Python SDK) against {args.base_url}")
    if args.wire_only:
        wire_calls(client)
    else:
        full_check(client)
        if args.client_id and args.client_secret:
            oauth_check(args)
    if args.wire or args.wire_only:
        print("requests sent:")
        for r in SENT:
            print("  " + wire_line(r))
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    if not args.wire_only:
        print(f"all checks passed ({len(SENT)} requests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
