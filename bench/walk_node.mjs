// Walk every managed account with the official Node SDK (npm `telnyx`).
//
// Usage: node walk_node.mjs BASE_URL API_KEY EXPECTED
//
// `client.managedAccounts.list(...)` returns a `DefaultFlatPagination`
// promise; `for await` over it auto-pages (`page[number] = meta.page_number
// + 1` until `page_number >= total_pages`). Pages of 250, cancelled
// accounts included, so the walk sees every seeded account; the count is
// checked.
import Telnyx from 'telnyx';

const [baseURL, apiKey, expected] = process.argv.slice(2);
const client = new Telnyx({ apiKey, baseURL, maxRetries: 0 });
let count = 0;
for await (const _account of client.managedAccounts.list({
  'page[size]': 250,
  include_cancelled_accounts: true,
})) {
  count += 1;
}
if (count !== Number(expected)) {
  console.error(`walked ${count} accounts, expected ${expected}`);
  process.exit(1);
}
console.log(`count=${count}`);
