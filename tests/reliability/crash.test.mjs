// Process crash: standalone hosts killed with SIGKILL at random points of a stream of key creates (EC, RSA), imports,
// restores of backups, purges of deleted keys and secret sets, and started again on the same token and storage (Azurite
// is never killed: see its durability note in lib/cluster.mjs). Own SoftHSM2 token, own Azurite, own hosts (lib/cluster.mjs).
// Host 0 issues the tokens and is never killed; hosts 1..SLOTS are killed in turn (one restarts while another is loaded,
// to save time). CI kills 50 times (the 404 one 50-kill run found before is most likely the template-lifetime bug: README Reliability);
// HSMVAULT_LONG=1 kills 200 times; HSMVAULT_CRASH_KILLS sets any other number.
// Required at the end: every acknowledged key works (EC signs, RSA and AES decrypt what they encrypted; restored keys
// too), every acknowledged secret reads back, every acknowledged purge left nothing (no key, no deleted key); a write
// that was not acknowledged is absent or whole (listed and usable, never listed but unusable), an interrupted purge left
// the key deleted or gone; and the reconciliation sweep leaves no HSM key without a row and no row without its HSM key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, existsSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest, newName, orphansAndDangling } from './lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const KILLS = Number(process.env.HSMVAULT_CRASH_KILLS ?? (process.env.HSMVAULT_LONG === '1' ? 200 : 50));
const SLOTS = 2;
const cluster = new Cluster({ label: 'crash' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });

// Reconciliation every second with a 2 s grace, so the sweep after the kills can be watched within the test's bound. A host
// killed while it held a sweep's lease blocks that sweep until the lease runs out (10 minutes by default): 4 s here.
cluster.start({ extraEnv: {
  HsmVault__Reconciliation__GracePeriod: '00:00:02', HsmVault__Timers__Schedules__HsmReconciliation: '* * * * * *',
  HsmVault__Timers__LeaseDuration: '00:00:04',
} });
const primary = cluster.startHost(0).url;
const ca = cluster.ca;
let admin = await token(primary, ca, cluster.tenant, cluster.admin);

/** How long each restart took, from the start script's launch to the host's "ready" line (ms). */
const restartMs = [];
async function startSlot(i) {
  const log = cluster.hosts[i]?.log;
  if (log && existsSync(log)) renameSync(log, `${log}.${Date.now()}`); // keep the killed instance's log
  const t = Date.now();
  const url = (await cluster.startHostAsync(i)).url;
  restartMs.push(Date.now() - t);
  return url;
}
const seconds = (ms) => (ms / 1000).toFixed(1);

/** What the clients attempted: acknowledged (2xx seen), not acknowledged (the host died under them), or a bad answer. */
const ledger = { keys: [], secrets: [], purged: [], unacknowledged: [], bad: [], ops: {} };
const restorable = [], deleted = [];

const at = (base, method, path, body) => call(base, ca, method, path, { token: admin, body, timeoutMs: 20_000 });

// Backups of purged keys to restore, and deleted keys to purge, made before the kills on host 0.
async function prepare(count) {
  for (let i = 0; i < count; i++) {
    const name = newName('restore');
    const c = await at(primary, 'POST', `/keys/${name}/create?${API}`, { kty: 'EC', crv: 'P-256' });
    assert.equal(c.status, 200, c.text);
    const b = await at(primary, 'POST', `/keys/${name}/backup?${API}`);
    assert.equal(b.status, 200, b.text);
    assert.equal((await at(primary, 'DELETE', `/keys/${name}?${API}`)).status, 200);
    const p = await at(primary, 'DELETE', `/deletedkeys/${name}?${API}`);
    assert.equal(p.status, 204, p.text);
    restorable.push({ name, backup: b.json.value });
    const d = newName('purge');
    assert.equal((await at(primary, 'POST', `/keys/${d}/create?${API}`, { kty: 'EC', crv: 'P-256' })).status, 200);
    assert.equal((await at(primary, 'DELETE', `/keys/${d}?${API}`)).status, 200);
    deleted.push(d);
  }
}

const kinds = ['ec', 'ec', 'rsa', 'import', 'restore', 'purge', 'secret'];
async function writer(base, stop) {
  while (!stop()) {
    const kind = kinds[randomInt(kinds.length)];
    ledger.ops[kind] = (ledger.ops[kind] ?? 0) + 1;
    if (kind === 'secret') {
      const name = newName('s'), value = randomBytes(12).toString('hex');
      const r = await at(base, 'PUT', `/secrets/${name}?${API}`, { value });
      if (r.status === 200) ledger.secrets.push({ name, version: r.json.id.split('/').pop(), value });
      else note(r, { kind, name });
      continue;
    }
    if (kind === 'purge') {
      const name = deleted.pop();
      if (!name) continue;
      const r = await at(base, 'DELETE', `/deletedkeys/${name}?${API}`);
      if (r.status === 204) ledger.purged.push(name);
      else note(r, { kind, name });
      continue;
    }
    if (kind === 'restore') {
      const item = restorable.pop();
      if (!item) continue;
      const r = await at(base, 'POST', `/keys/restore?${API}`, { value: item.backup });
      if (r.status === 200) ledger.keys.push({ name: item.name, kind: 'ec', kid: r.json.key.kid, restored: true });
      else note(r, { kind: 'ec', name: item.name, restore: true });
      continue;
    }
    const name = newName(kind);
    const r = kind === 'import'
      ? await at(base, 'PUT', `/keys/${name}?${API}`, { key: { kty: 'oct', k: randomBytes(32).toString('base64url'), key_ops: ['encrypt', 'decrypt'] } })
      : await at(base, 'POST', `/keys/${name}/create?${API}`, kind === 'ec' ? { kty: 'EC', crv: 'P-256' } : { kty: 'RSA', key_size: 2048 });
    if (r.status === 200) ledger.keys.push({ name, kind, kid: r.json.key.kid });
    else note(r, { kind, name });
  }
}

function note(r, write) {
  if (r.status === 0) ledger.unacknowledged.push(write); // the host died with the request in flight
  else if (r.status >= 500 && !(r.status === 503 && r.headers['retry-after'])) ledger.bad.push(`${write.kind}: ${r.status} ${r.text?.slice(0, 200)}`);
  else if (r.status >= 400 && r.status !== 503 && r.status !== 429) ledger.bad.push(`${write.kind} ${write.name}: ${r.status} ${r.text?.slice(0, 200)}`);
}

/** Whether a key version (its kid) can do what its kind says: null when it works, else why not. */
async function unusable(kind, kid) {
  const op = (o, body) => at(primary, 'POST', `${new URL(kid).pathname}/${o}?${API}`, body);
  if (kind === 'ec') {
    const s = await op('sign', { alg: 'ES256', value: digest('after the crash') });
    return s.status === 200 ? null : `sign ${s.status} ${s.text?.slice(0, 200)}`;
  }
  const alg = kind === 'rsa' ? 'RSA-OAEP-256' : 'A256GCM';
  const plain = randomBytes(16).toString('base64url');
  const e = await op('encrypt', { alg, value: plain });
  if (e.status !== 200) return `encrypt ${e.status} ${e.text?.slice(0, 200)}`;
  const d = await op('decrypt', { alg, value: e.json.value, ...(e.json.iv ? { iv: e.json.iv, tag: e.json.tag } : {}) });
  return d.status === 200 && d.json.value === plain ? null : `decrypt ${d.status} ${d.text?.slice(0, 200)}`;
}

const kindOf = (name) => ({ restore: 'ec', purge: 'ec' })[name.split('-')[0]] ?? name.split('-')[0];

/** A key by name: 'absent' (404), null when its current version works, else why not. */
async function current(kind, name) {
  const g = await at(primary, 'GET', `/keys/${name}?${API}`);
  if (g.status === 404) return 'absent';
  return g.status === 200 ? unusable(kind, g.json.key.kid) : `get ${g.status} ${g.text?.slice(0, 200)}`;
}

async function listAll(collection) {
  const names = [];
  for (let next = `/${collection}?${API}&maxresults=25`; next;) {
    const r = await at(primary, 'GET', next);
    assert.equal(r.status, 200, `list ${collection}: ${r.status} ${r.text}`);
    names.push(...r.json.value.map((v) => v.kid ?? v.id ?? v.recoveryId));
    next = r.json.nextLink ? new URL(r.json.nextLink).pathname + new URL(r.json.nextLink).search : null;
  }
  return names.map((id) => new URL(id).pathname.split('/')[2]);
}

test(`SIGKILL of a host during creates, imports, restores and purges, ${KILLS} times: acknowledged writes work, nothing half-visible, no orphans`, async () => {
  const started = Date.now();
  await prepare(Math.max(8, Math.ceil(KILLS * 0.6)));
  // One slot is loaded and killed while the other restarts.
  const bases = [];
  for (let s = 1; s <= SLOTS; s++) bases[s] = await startSlot(s);
  const restarts = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const slot = 1 + (kill % SLOTS);
    if (!bases[slot]) bases[slot] = await restarts[slot];
    let stopped = false;
    const writers = Array.from({ length: 3 }, () => writer(bases[slot], () => stopped));
    // Load this slot while the other one restarts, then kill it at a random point after that.
    const other = 1 + ((kill + 1) % SLOTS);
    if (!bases[other] && restarts[other]) bases[other] = await restarts[other];
    await sleep(200 + randomInt(1_500));
    const pid = cluster.hostPid(slot);
    cluster.killHost(slot);
    stopped = true;
    await Promise.all(writers); // every request in flight ends with a network error
    await cluster.waitExited(pid);
    bases[slot] = null;
    restarts[slot] = startSlot(slot);
    // Refresh the token now and then (it outlives the run, but a fresh one costs nothing).
    if (kill % 20 === 19) admin = await token(primary, ca, cluster.tenant, cluster.admin);
  }
  const killsDone = Date.now();
  await Promise.all(restarts.filter(Boolean));

  // Every acknowledged write is there and works.
  for (const k of ledger.keys) assert.equal(await unusable(k.kind, k.kid), null, `acknowledged ${k.restored ? 'restored ' : ''}${k.kind} key ${k.name}`);
  for (const s of ledger.secrets) {
    const g = await at(primary, 'GET', `/secrets/${s.name}/${s.version}?${API}`);
    assert.equal(g.json?.value, s.value, `acknowledged secret ${s.name}: ${g.status} ${g.text}`);
  }
  for (const name of ledger.purged) {
    assert.equal((await at(primary, 'GET', `/deletedkeys/${name}?${API}`)).status, 404, `acknowledged purge of ${name}: still a deleted key`);
    assert.equal((await at(primary, 'GET', `/keys/${name}?${API}`)).status, 404, `acknowledged purge of ${name}: a key again`);
  }
  // Nothing half-visible: whatever is listed (acknowledged or committed just before a kill) is whole.
  for (const name of await listAll('keys')) assert.equal(await current(kindOf(name), name), null, `listed key ${name}`);
  for (const name of await listAll('secrets')) {
    const g = await at(primary, 'GET', `/secrets/${name}?${API}`);
    assert.equal(g.status, 200, `listed secret ${name}: ${g.text}`);
  }
  // An unacknowledged write is absent or whole, never there but broken; an interrupted purge leaves it deleted or gone.
  for (const w of ledger.unacknowledged) {
    if (w.kind === 'secret') {
      const g = await at(primary, 'GET', `/secrets/${w.name}?${API}`);
      assert.ok(g.status === 404 || g.status === 200, `unacknowledged secret ${w.name}: ${g.status} ${g.text}`);
    } else if (w.kind === 'purge') {
      const g = await at(primary, 'GET', `/deletedkeys/${w.name}?${API}`);
      assert.ok(g.status === 404 || g.status === 200, `interrupted purge of ${w.name}: ${g.status} ${g.text}`);
      assert.equal((await at(primary, 'GET', `/keys/${w.name}?${API}`)).status, 404, `interrupted purge of ${w.name}: a live key`);
    } else {
      const why = await current(w.kind, w.name);
      assert.ok(why === 'absent' || why === null, `unacknowledged ${w.restore ? 'restore' : w.kind} of key ${w.name}: ${why}`);
    }
  }

  // The reconciliation sweep (at start, then every second) destroys what the kills left in the HSM without a row, and
  // the scheduled purge finishes interrupted purges.
  let found;
  for (const until = Date.now() + 30_000; ;) {
    found = await orphansAndDangling(cluster);
    if ((!found.orphans.length && !found.dangling.length) || Date.now() > until) break;
    await sleep(1_000);
  }
  assert.deepEqual(found, { orphans: [], dangling: [] }, 'after the kills and the reconciliation sweep');
  const destroyed = (cluster.logs().match(/Reconciliation: destroyed orphaned HSM key/g) ?? []).length;
  assert.deepEqual(ledger.bad, [], 'no 5xx other than 503 with Retry-After, no 4xx, while a host was up');
  assert.ok(ledger.keys.length > 0 && ledger.secrets.length > 0 && ledger.purged.length > 0,
    `the load acknowledged too little to test anything: ${JSON.stringify(ledger.ops)}`);
  const count = (kind) => ledger.unacknowledged.filter((w) => (w.restore ? 'restore' : w.kind) === kind).length;
  const sorted = [...restartMs].sort((a, b) => a - b);
  console.log(`crash: ${KILLS} SIGKILLs in ${((killsDone - started) / 1000).toFixed(0)} s (attempts ${JSON.stringify(ledger.ops)}); ` +
    `host restarts ${seconds(sorted[0])} / ${seconds(sorted[Math.floor(sorted.length / 2)])} / ${seconds(sorted.at(-1))} s (min / median / max); acknowledged ` +
    `${ledger.keys.filter((k) => !k.restored).length} created/imported keys, ${ledger.keys.filter((k) => k.restored).length} restores, ` +
    `${ledger.purged.length} purges, ${ledger.secrets.length} secrets, all holding; in flight at a kill: ${ledger.unacknowledged.length} ` +
    `(create ${count('ec') + count('rsa')}, import ${count('import')}, restore ${count('restore')}, purge ${count('purge')}, secret ${count('secret')}), ` +
    `none half-visible; orphan HSM keys the sweep destroyed: ${destroyed}; 0 orphans, 0 rows without their key`);
});
