// Storage faults under a mixed load on two instances: Azurite frozen (SIGSTOP/SIGCONT) twice, then stopped and started
// again on the same data folder after its autosave. Own SoftHSM2 token, own Azurite, own two hosts (lib/cluster.mjs).
// Required: only successes or 503 with Retry-After during the faults, no answer later than the request bound; every
// acknowledged key signs and every acknowledged secret reads back on both instances; a create that failed leaves nothing
// behind (no key, no HSM object once the reconciliation sweep ran); the last acknowledged revoke holds; service is back
// within 5 s of Azurite.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest, newName, orphansAndDangling } from './lib/client.mjs';
import { Ledger, client, grants, verify } from './lib/load.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const REQUEST_BOUND_MS = 25_000; // the vault's storage timeout is 10 s; nothing may take longer than this
const cluster = new Cluster({ label: 'storage-faults' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });

cluster.start({ extraEnv: { HsmVault__Reconciliation__GracePeriod: '00:00:03', HsmVault__Timers__Schedules__HsmReconciliation: '*/2 * * * * *' } });
cluster.startHost(0);
cluster.startHost(1);
const bases = cluster.hosts.map((h) => h.url);
const ca = cluster.ca;
let admin = await token(bases[0], ca, cluster.tenant, cluster.admin);
let operator = await token(bases[0], ca, cluster.tenant, cluster.operator);

let stopAll = () => {};
after(() => stopAll());

async function load(ledger, ms, { clients = 6, withGrants = false } = {}) {
  let stopped = false;
  const stop = () => stopped;
  const previous = stopAll;
  stopAll = () => { stopped = true; previous(); };
  const running = Array.from({ length: clients }, (_, i) => client({ bases, ca, token: () => admin, ledger, stop, seed: i, requestTimeoutMs: REQUEST_BOUND_MS }));
  if (withGrants) running.push(grants({ bases, ca, operatorToken: () => operator, appOid: cluster.app.oid, ledger, stop, requestTimeoutMs: REQUEST_BOUND_MS }));
  return { done: async () => { stopped = true; await Promise.all(running); }, timer: sleep(ms) };
}

/** Milliseconds until a create and a sign succeed on every instance. */
async function timeToService(limitMs = 30_000) {
  const started = Date.now();
  for (const base of bases) {
    while (Date.now() - started < limitMs) {
      const name = newName('probe');
      const c = await call(base, ca, 'POST', `/keys/${name}/create?${API}`, { token: admin, body: { kty: 'EC' }, timeoutMs: 5_000 });
      if (c.status === 200) {
        const s = await call(base, ca, 'POST', `${new URL(c.json.key.kid).pathname}/sign?${API}`, { token: admin, body: { alg: 'ES256', value: digest('p') }, timeoutMs: 5_000 });
        if (s.status === 200) break;
      }
      await sleep(100);
    }
  }
  return Date.now() - started;
}

test('two instances see each other\'s new keys while both create concurrently (shared SoftHSM2 token)', async () => {
  const ledger = new Ledger();
  const l = await load(ledger, 0);
  // Until enough keys were made on both instances (bounded: a slow machine makes fewer per second).
  for (const until = Date.now() + 90_000; ledger.keys.length < 16 && Date.now() < until;) await sleep(250);
  await l.done();
  assert.ok(ledger.keys.length >= 16, `too few keys made: ${JSON.stringify(ledger.summary())}`);
  assert.deepEqual(ledger.bad, []);
  const notFound = [...ledger.answers].filter(([k]) => / 4\d\d$/.test(k));
  assert.deepEqual(notFound, [], `4xx under a plain load: ${ledger.samples.join('\n')}`);
  assert.deepEqual(await verify({ bases, ca, token: () => admin, ledger }), []);
});

test('Azurite frozen twice and restarted after its autosave: acknowledged writes kept and working, failures only 503', async () => {
  const ledger = new Ledger();
  const l = await load(ledger, 0, { withGrants: true });
  const recovery = [];
  for (let round = 0; round < 2; round++) {
    await sleep(3_000);
    cluster.freezeAzurite();
    await sleep(5_000);
    cluster.thawAzurite();
    await sleep(500);
  }
  await l.done();
  // Quiet for longer than Azurite's autosave (~5 s), so what a clean stop loses is not the vault's loss.
  await sleep(7_000);
  cluster.stopAzurite();
  const outage = await load(ledger, 0);
  await sleep(3_000);
  cluster.startAzurite(); // returns once Azurite answers again
  await outage.done();
  recovery.push(await timeToService());
  const tail = await load(ledger, 3_000, { withGrants: true });
  await tail.timer; await tail.done();
  await sleep(7_000); // autosave before the checks read storage directly

  const summary = ledger.summary();
  console.log(`storage faults: answers ${JSON.stringify(summary)}; keys acknowledged ${ledger.keys.length}, secrets ${ledger.secrets.length}, ` +
    `creates failed ${ledger.failedCreates.length}; service back ${recovery.join(', ')} ms after Azurite answered`);
  assert.deepEqual(ledger.bad, [], 'only successes or 503 with Retry-After, each within the request bound');
  assert.ok(Object.keys(summary).some((k) => k.endsWith(' 503')), 'the faults produced no 503 at all: the test did not test anything');
  assert.deepEqual(await verify({ bases, ca, token: () => admin, ledger }), []);
  for (const ms of recovery) assert.ok(ms <= 5_000, `full service ${ms} ms after Azurite was back (limit 5 s)`);

  // A failed create leaves no key behind: not readable, and (after the sweep's grace period) no HSM object.
  // A create whose answer was withheld because its audit record could not be stored ("stored before answered") did run:
  // its key may exist, and then it works.
  for (const f of ledger.failedCreates) {
    const g = await call(bases[0], ca, 'GET', `/keys/${f.name}?${API}`, { token: admin });
    if (f.answerWithheld && g.status === 200) {
      const s = await call(bases[0], ca, 'POST', `${new URL(g.json.key.kid).pathname}/sign?${API}`, { token: admin, body: { alg: 'ES256', value: digest('w') } });
      assert.equal(s.status, 200, `key ${f.name} made under a withheld answer does not sign: ${s.text}`);
    } else assert.equal(g.status, 404, `key ${f.name} whose create failed (${f.status}) exists: ${g.text}`);
  }
  const deadline = Date.now() + 20_000;
  let orphans, dangling;
  do {
    await sleep(2_000);
    ({ orphans, dangling } = await orphansAndDangling(cluster));
  } while ((orphans.length || dangling.length) && Date.now() < deadline);
  assert.deepEqual(dangling, [], 'rows whose HSM key is missing');
  assert.deepEqual(orphans, [], 'HSM keys no row references, after the reconciliation sweep');

  // The last acknowledged grant change holds on both instances.
  const app = await token(bases[0], ca, cluster.tenant, cluster.app);
  const k = ledger.keys[0];
  await sleep(1_500);
  for (const base of bases) {
    const s = await call(base, ca, 'POST', `${new URL(k.kid).pathname}/sign?${API}`, { token: app, body: { alg: 'ES256', value: digest('g') } });
    assert.equal(s.status, ledger.lastGrant === 'granted' ? 200 : 403, `after the last acknowledged change (${ledger.lastGrant}) on ${base}: ${s.status} ${s.text}`);
  }
});
