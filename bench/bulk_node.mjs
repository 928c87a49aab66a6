// Disable every enabled managed account with the official Node SDK (npm `telnyx`).
//
// Usage: node bulk_node.mjs BASE_URL API_KEY (loop | pool) [CONCURRENCY]
//
// `loop`: list the enabled accounts (auto-paging, pages of 250), then
// `await client.managedAccounts.actions.disable(id)` one after the other.
// `pool`: CONCURRENCY (default 16) workers taking ids from one queue,
// awaited with `Promise.all` (an unbounded `Promise.all` over 2,000 calls is
// the same with more 429s), the SDK's own retries (2, backoff 0.5 s doubling).
// Calls that still fail with a 429 are counted, and the job is run again
// until no enabled account is left (at most 20 passes). Prints
// `disabled=N passes=N 429s=N surfaced=N seconds=S`; 429s are counted from
// the responses (a wrapping `fetch`).
import Telnyx from 'telnyx';

const [baseURL, apiKey, mode, conc] = process.argv.slice(2);
const concurrency = Number(conc ?? 16);
let seen429 = 0;
const countingFetch = async (...args) => {
  const res = await fetch(...args);
  if (res.status === 429) seen429 += 1;
  return res;
};
const client = new Telnyx({ apiKey, baseURL, fetch: countingFetch });
const filter = { status: { eq: 'enabled' } };
const started = performance.now();
let disabled = 0;
let surfaced = 0;
let passes = 0;

async function disable(id) {
  try {
    await client.managedAccounts.actions.disable(id);
    disabled += 1;
  } catch (e) {
    if (e instanceof Telnyx.RateLimitError) surfaced += 1;
    else throw e;
  }
}

while (passes < 20) {
  passes += 1;
  const ids = [];
  for await (const a of client.managedAccounts.list({ filter, 'page[size]': 250 })) ids.push(a.id);
  if (ids.length === 0) break;
  if (mode === 'loop') {
    for (const id of ids) await disable(id);
  } else if (mode === 'pool') {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) await disable(ids[next++]);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } else {
    console.error(`unknown mode ${mode}`);
    process.exit(2);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`disabled=${disabled} passes=${passes} 429s=${seen429} surfaced=${surfaced} seconds=${seconds.toFixed(2)}`);
