// Process crash: the standalone host is killed with SIGKILL in the middle of a stream of key creates (EC, RSA), imports
// and secret sets, and started again on the same token and storage (Azurite is never killed: see its durability note in
// lib/cluster.mjs). Own SoftHSM2 token, own Azurite, own host (lib/cluster.mjs).
// Required after each restart: every acknowledged key works (EC signs, RSA decrypts what it encrypted) and every
// acknowledged secret reads back; a write that was not acknowledged is either absent or whole (listed and usable, never
// listed but unusable); and the reconciliation sweep leaves no HSM key without a row and no row without its HSM key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, existsSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest, newName, orphansAndDangling as orphansAndDanglingOf } from './lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ROUNDS = Number(process.env.HSMVAULT_CRASH_ROUNDS ?? 3);
const cluster = new Cluster({ label: 'crash' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });

// Reconciliation every second with a 2 s grace, so the sweep after a restart can be watched within the test's bound. A host
// killed while it held a sweep's lease blocks that sweep until the lease runs out (10 minutes by default): 4 s here.
cluster.start({ extraEnv: {
  HsmVault__Reconciliation__GracePeriod: '00:00:02', HsmVault__Timers__Schedules__HsmReconciliation: '* * * * * *',
  HsmVault__Timers__LeaseDuration: '00:00:04',
} });

let base, admin;
async function startHost() {
  const log = cluster.hosts[0]?.log;
  if (log && existsSync(log)) renameSync(log, `${log}.${Date.now()}`); // keep the killed instance's log
  base = cluster.startHost(0).url;
  admin = await token(base, cluster.ca, cluster.tenant, cluster.admin);
}

/** Writes attempted by the clients: acknowledged (200 seen) or not (no answer: the host died under them). */
const ledger = { keys: [], secrets: [], unacknowledged: [], bad: [] };

const kinds = ['ec', 'rsa', 'import', 'secret', 'secret'];
async function writer(stop) {
  while (!stop()) {
    const kind = kinds[randomInt(kinds.length)];
    const opts = { token: admin, timeoutMs: 20_000 };
    if (kind === 'secret') {
      const name = newName('s'), value = randomBytes(12).toString('hex');
      const r = await call(base, cluster.ca, 'PUT', `/secrets/${name}?${API}`, { ...opts, body: { value } });
      if (r.status === 200) ledger.secrets.push({ name, version: r.json.id.split('/').pop(), value });
      else note(r, { kind, name });
      continue;
    }
    const name = newName(kind);
    const r = kind === 'import'
      ? await call(base, cluster.ca, 'PUT', `/keys/${name}?${API}`, { ...opts, body: { key: { kty: 'oct', k: randomBytes(32).toString('base64url'), key_ops: ['encrypt', 'decrypt'] } } })
      : await call(base, cluster.ca, 'POST', `/keys/${name}/create?${API}`, { ...opts, body: kind === 'ec' ? { kty: 'EC', crv: 'P-256' } : { kty: 'RSA', key_size: 2048 } });
    if (r.status === 200) ledger.keys.push({ name, kind, kid: r.json.key.kid });
    else note(r, { kind, name });
  }
}

function note(r, write) {
  if (r.status === 0) ledger.unacknowledged.push(write); // the host died with the request in flight
  else if (r.status >= 500 && !(r.status === 503 && r.headers['retry-after'])) ledger.bad.push(`${write.kind}: ${r.status} ${r.text?.slice(0, 200)}`);
}

/** Whether a key version (its kid) can do what its kind says: null when it works, else why not. */
async function unusable(kind, kid) {
  const at = (op, body) => call(base, cluster.ca, 'POST', `${new URL(kid).pathname}/${op}?${API}`, { token: admin, body });
  if (kind === 'ec') {
    const s = await at('sign', { alg: 'ES256', value: digest('after the crash') });
    return s.status === 200 ? null : `sign ${s.status} ${s.text?.slice(0, 200)}`;
  }
  const alg = kind === 'rsa' ? 'RSA-OAEP-256' : 'A256GCM';
  const plain = randomBytes(16).toString('base64url');
  const e = await at('encrypt', { alg, value: plain });
  if (e.status !== 200) return `encrypt ${e.status} ${e.text?.slice(0, 200)}`;
  const d = await at('decrypt', { alg, value: e.json.value, ...(e.json.iv ? { iv: e.json.iv, tag: e.json.tag } : {}) });
  return d.status === 200 && d.json.value === plain ? null : `decrypt ${d.status} ${d.text?.slice(0, 200)}`;
}

const kindOf = (name) => name.split('-')[0];

/** A key by name: 'absent' (404), null when its current version works, else why not. */
async function current(kind, name) {
  const g = await call(base, cluster.ca, 'GET', `/keys/${name}?${API}`, { token: admin });
  if (g.status === 404) return 'absent';
  return g.status === 200 ? unusable(kind, g.json.key.kid) : `get ${g.status} ${g.text?.slice(0, 200)}`;
}

async function listAll(collection) {
  const names = [];
  for (let next = `/${collection}?${API}&maxresults=25`; next;) {
    const r = await call(base, cluster.ca, 'GET', next, { token: admin });
    assert.equal(r.status, 200, `list ${collection}: ${r.status} ${r.text}`);
    names.push(...r.json.value.map((v) => v.kid ?? v.id));
    next = r.json.nextLink ? new URL(r.json.nextLink).pathname + new URL(r.json.nextLink).search : null;
  }
  return names.map((id) => new URL(id).pathname.split('/')[2]);
}

const orphansAndDangling = () => orphansAndDanglingOf(cluster);

test(`SIGKILL of the host during a stream of writes, ${ROUNDS} times: acknowledged writes work, nothing half-visible, no orphans`, async () => {
  await startHost();
  let destroyedByReconciliation = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let stopped = false;
    const writers = Array.from({ length: 4 }, () => writer(() => stopped));
    await sleep(1_500 + randomInt(2_000));
    cluster.killHost(0);
    stopped = true;
    await Promise.all(writers); // every request in flight ends with a network error
    await cluster.waitExited(cluster.hostPid(0));
    await startHost();

    // Every acknowledged write is there and works.
    for (const k of ledger.keys) assert.equal(await unusable(k.kind, k.kid), null, `acknowledged ${k.kind} key ${k.name} after crash ${round + 1}`);
    for (const s of ledger.secrets) {
      const g = await call(base, cluster.ca, 'GET', `/secrets/${s.name}/${s.version}?${API}`, { token: admin });
      assert.equal(g.json?.value, s.value, `acknowledged secret ${s.name} after crash ${round + 1}: ${g.status} ${g.text}`);
    }
    // Nothing half-visible: whatever is listed (acknowledged or committed just before the kill) is whole.
    for (const name of await listAll('keys')) assert.equal(await current(kindOf(name), name), null, `listed key ${name} after crash ${round + 1}`);
    for (const name of await listAll('secrets')) {
      const g = await call(base, cluster.ca, 'GET', `/secrets/${name}?${API}`, { token: admin });
      assert.equal(g.status, 200, `listed secret ${name} after crash ${round + 1}: ${g.text}`);
    }
    // An unacknowledged write is absent or whole, never there but broken.
    for (const w of ledger.unacknowledged) {
      if (w.kind === 'secret') {
        const g = await call(base, cluster.ca, 'GET', `/secrets/${w.name}?${API}`, { token: admin });
        assert.ok(g.status === 404 || g.status === 200, `unacknowledged secret ${w.name}: ${g.status} ${g.text}`);
      } else {
        const why = await current(w.kind, w.name);
        assert.ok(why === 'absent' || why === null, `unacknowledged ${w.kind} key ${w.name}: ${why}`);
      }
    }

    // The reconciliation sweep (at start, then every second) destroys what the crash left in the HSM without a row.
    let found;
    for (const until = Date.now() + 20_000; ;) {
      found = await orphansAndDangling();
      if ((!found.orphans.length && !found.dangling.length) || Date.now() > until) break;
      await sleep(1_000);
    }
    assert.deepEqual(found, { orphans: [], dangling: [] }, `after crash ${round + 1} and the reconciliation sweep`);
    destroyedByReconciliation += (cluster.logs().match(/Reconciliation: destroyed orphaned HSM key/g) ?? []).length;
  }
  assert.deepEqual(ledger.bad, [], 'no 5xx other than 503 with Retry-After while the host was up');
  assert.ok(ledger.keys.length > 0 && ledger.secrets.length > 0, 'the load acknowledged nothing: the test tested nothing');
  console.log(`crash: ${ROUNDS} SIGKILLs; acknowledged ${ledger.keys.length} keys and ${ledger.secrets.length} secrets, all working; ` +
    `${ledger.unacknowledged.length} writes in flight at a kill, none half-visible; HSM keys the sweep destroyed as orphans: ${destroyedByReconciliation}`);
});
