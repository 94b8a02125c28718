// Seeded request fuzzer against its own standalone host (own token, Azurite, host: lib/cluster.mjs), part of the
// reliability section of tests/run.sh. HSMVAULT_FUZZ_SEED reproduces a run (its seed is always printed); HSMVAULT_FUZZ_COUNT
// sets the number of requests (2,000 by default; `HSMVAULT_FUZZ_COUNT=100000 node --test fuzz.test.mjs` is the long mode).
// Required: no answer >= 500 other than 503 with Retry-After, every answer within 2 s, the host's RSS bounded, and every
// key made before the run still works after it (sentinel keys in a vault no fuzzed request names, plus the keys the
// fuzzer aims at when they survived it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { Cluster } from './lib/cluster.mjs';
import { token, call, API, digest } from './lib/client.mjs';
import { rng, mutate, send } from './lib/fuzz.mjs';

const SEED = Number(process.env.HSMVAULT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.HSMVAULT_FUZZ_COUNT ?? 2000);
const ANSWER_BOUND_MS = 2_000;
const RSS_BOUND_MB = 768;
const CONCURRENCY = 4;
console.log(`fuzz: seed ${SEED}, ${COUNT} requests (reproduce: HSMVAULT_FUZZ_SEED=${SEED} HSMVAULT_FUZZ_COUNT=${COUNT} node --test fuzz.test.mjs)`);

const cluster = new Cluster({ label: 'fuzz' });
after(() => { cluster.stop(); if (!process.env.HSMVAULT_KEEP_RELIABILITY) cluster.remove(); });
cluster.start();
const host = cluster.startHost(0);
const ca = cluster.ca;
const port = Number(new URL(host.url).port);

const rssMb = () => Number(readFileSync(`/proc/${cluster.hostPid(0)}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

test(`fuzzed requests (seed ${SEED}): no 5xx but 503 with Retry-After, no answer later than 2 s, RSS bounded, keys still work`, async () => {
  const admin = await token(host.url, ca, cluster.tenant, cluster.admin);
  const operator = await token(host.url, ca, cluster.tenant, cluster.operator);
  const made = {};
  for (const [name, body] of [['fz-ec', { kty: 'EC', crv: 'P-256' }], ['fz-rsa', { kty: 'RSA', key_size: 2048 }], ['fz-aes', { kty: 'oct-HSM', key_size: 256 }]]) {
    const r = await call(host.url, ca, 'POST', `/keys/${name}/create?${API}`, { token: admin, body });
    assert.equal(r.status, 200, r.text);
    made[name] = { name, version: r.json.key.kid.split('/').pop() };
  }
  const s = await call(host.url, ca, 'PUT', `/secrets/fz-s?${API}`, { token: admin, body: { value: 'v' } });
  assert.equal(s.status, 200, s.text);
  for (const name of ['fz-del', 'fz-sdel']) {
    const w = name === 'fz-del'
      ? await call(host.url, ca, 'POST', `/keys/${name}/create?${API}`, { token: admin, body: { kty: 'EC' } })
      : await call(host.url, ca, 'PUT', `/secrets/${name}?${API}`, { token: admin, body: { value: 'd' } });
    assert.equal(w.status, 200, w.text);
  }
  const kb = await call(host.url, ca, 'POST', `/keys/fz-ec/backup?${API}`, { token: admin });
  const sb = await call(host.url, ca, 'POST', `/secrets/fz-s/backup?${API}`, { token: admin });
  assert.equal(kb.status, 200, kb.text);
  assert.equal(sb.status, 200, sb.text);

  // Sentinels: a vault of its own that no fuzzed request names (the fuzzer deletes and recovers vaults and keys it aims at).
  const M = 'api-version=2024-11-01';
  const keep = await call(host.url, ca, 'PUT', `/management/vaults/fzkeep?${M}`, { token: operator, body: { properties: { tenantId: cluster.tenant,
    accessPolicies: [{ objectId: cluster.primaryEnv.HSMVAULT_TEST_ADMIN_OID, permissions: { keys: ['all'], secrets: ['all'] } }] } } });
  assert.equal(keep.status, 201, keep.text);
  const onKeep = (method, path, opts) => call(host.url, ca, method, path, { ...opts, servername: 'localhost', headers: { host: `fzkeep.localhost:${port}` } }); // Node takes no *.localhost wildcard
  const sentinels = [];
  for (const [name, body, alg] of [['k-ec', { kty: 'EC', crv: 'P-256' }, 'ES256'], ['k-rsa', { kty: 'RSA', key_size: 2048 }, 'PS256']]) {
    const r = await onKeep('POST', `/keys/${name}/create?${API}`, { token: admin, body });
    assert.equal(r.status, 200, r.text ?? r.error);
    sentinels.push({ kid: r.json.key.kid, alg });
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = privateKey.export({ format: 'jwk' });
  const ctx = {
    host: new URL(host.url).host, tenant: cluster.tenant, appOid: cluster.app.oid,
    ec: made['fz-ec'], rsa: made['fz-rsa'], oct: made['fz-aes'], secret: { name: 'fz-s', version: s.json.id.split('/').pop() },
    ecJwk: { kty: 'EC', crv: 'P-256', x: j.x, y: j.y, d: j.d }, keyBackup: kb.json.value, secretBackup: sb.json.value,
  };
  const rssBefore = rssMb();

  const r = rng(SEED);
  const requests = Array.from({ length: COUNT }, () => mutate(r, host.url, ctx, { admin, operator }));
  const bad = [], statuses = new Map(), noAnswer = new Map(), recovered = [];
  let next = 0, slowest = 0, rssPeak = rssBefore;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const m = requests[i];
      // A lying Content-Length ("long") waits for bytes that never come: the server's own body timeout answers it.
      const res = await send(port, ca, m, m.lie === 'long' ? 60_000 : ANSWER_BOUND_MS + 3_000);
      const key = res.status === 0 ? (res.hang ? 'hang' : 'no answer') : String(res.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (m.lie !== 'long') slowest = Math.max(slowest, res.ms);
      const fivexx = res.status >= 500 && !(res.status === 503 && res.headers['retry-after']);
      if (fivexx || res.hang || (m.lie !== 'long' && res.ms > ANSWER_BOUND_MS))
        bad.push(`#${i} ${m.method} ${m.path.slice(0, 120)} host=${m.headers.host} lie=${m.lie} -> ${res.status || res.error} in ${res.ms} ms ${(res.text ?? '').slice(0, 160)}`);
      if (res.status === 0 && !res.hang) noAnswer.set(m.lie ?? 'none', (noAnswer.get(m.lie ?? 'none') ?? 0) + 1);
      // A fuzzed DELETE of the default vault is legal; recover it at once so the run keeps testing it.
      if (m.method === 'DELETE' && res.status === 200 && /^\/management\/vaults\/default[/?]/.test(m.path) && !m.path.includes('accessPolicies'))
        recovered.push((await call(host.url, ca, 'POST', `/management/deletedVaults/default/recover?${M}`, { token: operator })).status);
      if (i % 200 === 0) rssPeak = Math.max(rssPeak, rssMb());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  rssPeak = Math.max(rssPeak, rssMb());
  console.log(`fuzz: seed ${SEED}: ${COUNT} requests, answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ` +
    `slowest ${slowest} ms, RSS ${rssBefore.toFixed(0)} -> peak ${rssPeak.toFixed(0)} MB; connections closed without an answer by ` +
    `Content-Length lie ${JSON.stringify(Object.fromEntries(noAnswer))}; default vault deleted and recovered ${recovered.length} times`);
  assert.deepEqual(bad.slice(0, 20), [], `seed ${SEED}: ${bad.length} bad answers`);
  assert.ok(rssPeak < RSS_BOUND_MB, `seed ${SEED}: host RSS peaked at ${rssPeak.toFixed(0)} MB`);

  // Every key made before still works: the sentinels always; the fuzzer's own targets unless a fuzzed request deleted them.
  const admin2 = await token(host.url, ca, cluster.tenant, cluster.admin);
  for (const { kid, alg } of sentinels) {
    const r2 = await onKeep('POST', `${new URL(kid).pathname}/sign?${API}`, { token: admin2, body: { alg, value: digest('after') } });
    assert.equal(r2.status, 200, `sentinel ${kid}: ${r2.text}`);
  }
  const alive = async (name) => (await call(host.url, ca, 'GET', `/keys/${name}?${API}`, { token: admin2 })).status === 200;
  let checked = 0;
  if (await alive('fz-ec')) {
    const sign = await call(host.url, ca, 'POST', `/keys/fz-ec/${made['fz-ec'].version}/sign?${API}`, { token: admin2, body: { alg: 'ES256', value: digest('after') } });
    assert.ok(sign.status === 200 || sign.status === 403, sign.text); checked++; // 403: a fuzzed PATCH may have disabled it
  }
  if (await alive('fz-rsa')) {
    const rs = await call(host.url, ca, 'POST', `/keys/fz-rsa/${made['fz-rsa'].version}/sign?${API}`, { token: admin2, body: { alg: 'RS256', value: digest('after') } });
    assert.ok(rs.status === 200 || rs.status === 403, rs.text); checked++;
  }
  const fresh = await call(host.url, ca, 'POST', `/keys/fz-after/create?${API}`, { token: admin2, body: { kty: 'EC' } });
  assert.equal(fresh.status, 200, `a new key after the run: ${fresh.text}`);
  console.log(`fuzz: ${sentinels.length} sentinel keys and ${checked} fuzzed-at keys still sign; a new key can be made`);
});
