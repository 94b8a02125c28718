// HSM faults on the default token, with its own SoftHSM2 token, Azurite and host (lib/cluster.mjs) and an HSM call
// timeout of 2 s (HsmVault__Hsm__CallTimeout).
// - A hung token: another process holds the token's lock (as a stuck instance or tool would) while clients keep signing:
//   every answer is a success or 503 HsmUnavailable with Retry-After within the call timeout, the host's thread count stays
//   bounded, and signing works again within a second of the lock's release, without a restart.
// - The token's files gone (moved away and back): SoftHSM 2.6.1 then shows none of its objects to the running process,
//   even once the files are back; the vault fails closed (503 HsmUnavailable, never 404 "key not found" for a key that
//   exists nor 400 for a create) and a restart recovers it.
// The PIN changed under a lost login is tested in the adapter (HsmFaultTests): SoftHSM keeps a running process's login
// in memory, so a PIN changed from outside only matters at the next login, which only that process can provoke.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest } from './lib/client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CALL_TIMEOUT_MS = 2_000;
const ANSWER_BOUND_MS = CALL_TIMEOUT_MS + 1_500; // the call timeout plus the request's own work on a loaded machine
const cluster = new Cluster({ label: 'hsm-faults' });
const holders = [];
after(() => {
  for (const h of holders) try { process.kill(-h.pid, 'SIGKILL'); } catch { /* gone */ }
  cluster.stop();
  if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove();
});
cluster.start({ extraEnv: { HsmVault__Hsm__CallTimeout: '00:00:02' } });
const host = cluster.startHost(0);
const ca = cluster.ca;
const admin = await token(host.url, ca, cluster.tenant, cluster.admin);
const lockFile = join(dirname(cluster.softhsmConf), 'hsmvault-token.lock');
const threads = () => Number(readFileSync(`/proc/${cluster.hostPid(0)}/status`, 'utf8').match(/Threads:\s+(\d+)/)[1]);

async function newKey(name) {
  const r = await call(host.url, ca, 'POST', `/keys/${name}/create?${API}`, { token: admin, body: { kty: 'EC', crv: 'P-256' } });
  assert.equal(r.status, 200, r.text);
  return new URL(r.json.key.kid).pathname;
}
const sign = (kid, timeoutMs = 30_000) =>
  call(host.url, ca, 'POST', `${kid}/sign?${API}`, { token: admin, body: { alg: 'ES256', value: digest('hsm fault') }, timeoutMs });

/** Holds the token lock exclusively from another process (flock(1)) until released; resolves once it is held. */
async function holdTokenLock() {
  const h = spawn('flock', ['-x', '-o', lockFile, 'sleep', '120'], { detached: true, stdio: 'ignore' });
  holders.push(h);
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(20))
    if (spawnSync('flock', ['-n', '-s', lockFile, 'true']).status !== 0) return () => process.kill(-h.pid, 'SIGKILL');
  throw new Error('the token lock could not be taken from outside');
}

test('a hung token: 503 HsmUnavailable with Retry-After within the HSM call timeout, threads bounded, back within a second', async () => {
  const kid = await newKey('hung');
  assert.equal((await sign(kid)).status, 200);
  const threadsBefore = threads();
  const release = await holdTokenLock();
  const answers = new Map(), bad = [];
  let stopped = false, threadsPeak = threadsBefore;
  const client = async () => {
    while (!stopped) {
      const r = await sign(kid, ANSWER_BOUND_MS + 5_000);
      const code = r.json?.error?.innererror?.code ?? r.json?.error?.code ?? '';
      const key = `${r.status || (r.hang ? 'hang' : 'no answer')} ${code}`.trim();
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (r.status !== 200 && !(r.status === 503 && r.headers['retry-after'] && code === 'HsmUnavailable')) bad.push(`${r.status} ${r.error ?? r.text?.slice(0, 200)}`);
      if (r.ms > ANSWER_BOUND_MS) bad.push(`answered in ${r.ms} ms (bound ${ANSWER_BOUND_MS} ms)`);
    }
  };
  const clients = Array.from({ length: 12 }, client);
  for (const until = Date.now() + 6_000; Date.now() < until; await sleep(200)) threadsPeak = Math.max(threadsPeak, threads());
  release();
  const released = Date.now();
  stopped = true;
  await Promise.all(clients);
  // Back without a restart: the first success after the release.
  let back;
  while (!back && Date.now() - released < 10_000) if ((await sign(kid, 5_000)).status === 200) back = Date.now() - released; else await sleep(20);
  console.log(`hung token (lock held 6 s, 12 clients signing): answers ${JSON.stringify(Object.fromEntries(answers))}; ` +
    `threads ${threadsBefore} -> peak ${threadsPeak}; signing again ${back} ms after the release (clients' last answers included)`);
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} answers that were neither a success nor a timely 503 HsmUnavailable`);
  assert.ok([...answers.keys()].some((k) => k.startsWith('503')), 'no 503 at all: the token was not hung');
  assert.ok(threadsPeak - threadsBefore <= 40, `host threads grew from ${threadsBefore} to ${threadsPeak}`);
  assert.ok(back !== undefined && back <= 1_000 + ANSWER_BOUND_MS, `signing works again ${back} ms after the token lock was released`);
});

test('the token\'s files gone: fail closed with 503 HsmUnavailable, never "key not found" for a key that exists', async () => {
  const kid = await newKey('files');
  assert.equal((await sign(kid)).status, 200);
  const tokens = join(dirname(cluster.softhsmConf), 'tokens');
  const dirs = readdirSync(tokens).map((d) => join(tokens, d));
  for (const d of dirs) renameSync(d, `${d}.away`);
  const seen = [];
  try {
    for (let i = 0; i < 5; i++) {
      const s = await sign(kid);
      const c = await call(host.url, ca, 'POST', `/keys/files-new-${i}/create?${API}`, { token: admin, body: { kty: 'EC' } });
      for (const r of [s, c]) seen.push(`${r.status} ${r.json?.error?.innererror?.code ?? r.json?.error?.code ?? ''} ${r.headers?.['retry-after'] ? 'retry-after' : ''}`.trim());
      await sleep(100);
    }
  } finally {
    for (const d of dirs) renameSync(`${d}.away`, d);
  }
  console.log(`token files moved away: answers ${JSON.stringify(seen)}`);
  for (const a of seen) assert.equal(a, '503 HsmUnavailable retry-after');
  // SoftHSM 2.6.1 does not see its token again without a restart of the process: a restart brings the key back.
  cluster.stopHost(0);
  const restarted = cluster.startHost(0).url;
  const admin2 = await token(restarted, cluster.ca, cluster.tenant, cluster.admin);
  const r = await call(restarted, cluster.ca, 'POST', `${kid}/sign?${API}`, { token: admin2, body: { alg: 'ES256', value: digest('back') } });
  assert.equal(r.status, 200, r.text);
});
