"""Disable every enabled managed account with the official Python SDK (PyPI `telnyx`).

Usage: python bulk_python.py BASE_URL API_KEY (loop | asyncio) [CONCURRENCY]

`loop`: list the enabled accounts (auto-paging, pages of 250), then
`client.managed_accounts.actions.disable(id)` one after the other: what the
SDK's README shows. `asyncio`: the same with `AsyncTelnyx`, CONCURRENCY
(default 16) disable calls at once under an `asyncio.Semaphore`, the
SDK's own retries (2, backoff 0.5 s doubling, no use of x-ratelimit-reset).
Calls that still fail (429 after its retries) are counted, and the job is
run again, as a person would, until no enabled account is left (at most 20
passes). Prints `disabled=N passes=N 429s=N surfaced=N seconds=S`; 429s are
counted from the responses themselves (an httpx event hook).
"""

import asyncio
import sys
import time

import telnyx

FILTER = {"status": {"eq": "enabled"}}


def main() -> None:
    base_url, api_key, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    seen = {"429": 0}
    started = time.monotonic()
    if mode == "loop":
        def count(response):
            if response.status_code == 429:
                seen["429"] += 1
        http = telnyx.DefaultHttpxClient(event_hooks={"response": [count]})
        client = telnyx.Telnyx(api_key=api_key, base_url=base_url, http_client=http)
        disabled = surfaced = 0
        passes = 0
        while passes < 20:
            passes += 1
            ids = [a.id for a in client.managed_accounts.list(filter=FILTER, page_size=250)]
            if not ids:
                break
            for i in ids:
                try:
                    client.managed_accounts.actions.disable(i)
                    disabled += 1
                except telnyx.RateLimitError:
                    surfaced += 1
    elif mode == "asyncio":
        disabled, surfaced, passes = asyncio.run(run_async(base_url, api_key, concurrency, seen))
    else:
        sys.exit(f"unknown mode {mode}")
    took = time.monotonic() - started
    print(f"disabled={disabled} passes={passes} 429s={seen['429']} surfaced={surfaced} seconds={took:.2f}")


async def run_async(base_url, api_key, concurrency, seen):
    async def count(response):
        if response.status_code == 429:
            seen["429"] += 1
    http = telnyx.DefaultAsyncHttpxClient(event_hooks={"response": [count]})
    client = telnyx.AsyncTelnyx(api_key=api_key, base_url=base_url, http_client=http)
    gate = asyncio.Semaphore(concurrency)
    disabled = surfaced = 0

    async def disable(i):
        nonlocal disabled, surfaced
        async with gate:
            try:
                await client.managed_accounts.actions.disable(i)
                disabled += 1
            except telnyx.RateLimitError:
                surfaced += 1

    passes = 0
    while passes < 20:
        passes += 1
        ids = [a.id async for a in client.managed_accounts.list(filter=FILTER, page_size=250)]
        if not ids:
            break
        await asyncio.gather(*(disable(i) for i in ids))
    return disabled, surfaced, passes


if __name__ == "__main__":
    main()
