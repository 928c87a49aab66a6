"""Walk every managed account with the official Python SDK (PyPI `telnyx`).

Usage: python walk_python.py BASE_URL API_KEY EXPECTED

`client.managed_accounts.list(...)` returns a `SyncDefaultFlatPagination`;
iterating it auto-pages (`page[number] = meta.page_number + 1` until
`page_number >= total_pages`). Pages of 250, cancelled accounts included,
so the walk sees every seeded account; the count is checked.
"""

import sys

import telnyx


def main() -> None:
    base_url, api_key, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = telnyx.Telnyx(api_key=api_key, base_url=base_url, max_retries=0)
    count = 0
    for _account in client.managed_accounts.list(page_size=250, include_cancelled_accounts=True):
        count += 1
    if count != expected:
        sys.exit(f"walked {count} accounts, expected {expected}")
    print(f"count={count}")


if __name__ == "__main__":
    main()
