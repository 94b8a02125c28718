// A mixed client load against one or more vault instances that records every acknowledged write and every answer,
// so a fault test can check afterwards that nothing acknowledged was lost and nothing failed in a way it must not.
import { createECDH, randomBytes } from 'node:crypto';
import { call, API, digest, newName } from './client.mjs';

export class Ledger {
  keys = [];         // acknowledged key versions { name, version, kid, via }
  secrets = [];      // acknowledged secret versions { name, version, value }
  failedCreates = []; // key creates that were not acknowledged { name, status }
  revoked = [];       // acknowledged revokes { oid }
  answers = new Map(); // status -> count
  samples = [];     // a few 4xx and 5xx answers, to explain them
  bad = [];           // answers a fault must never produce: 5xx other than 503+Retry-After, hangs, 503 without Retry-After
  count(r, what) {
    const k = `${what} ${r.status === 0 ? (r.hang ? 'hang' : 'network') : r.status}`;
    this.answers.set(k, (this.answers.get(k) ?? 0) + 1);
    if (r.status >= 400 && this.samples.length < 50) this.samples.push(`${k}: ${(r.text ?? '').slice(0, 200)}`);
    if (r.hang || (r.status >= 500 && !(r.status === 503 && r.headers['retry-after']))) {
      this.bad.push(`${what}: ${r.status || r.error} ${(r.text ?? '').slice(0, 200)}`);
    }
  }
  summary() { return Object.fromEntries([...this.answers].sort()); }
}

// Through ECDH, not generateKeyPairSync + export({ format: 'jwk' }): Node 20.20 can deadlock there when a garbage collection
// during the export runs the key generation job's destructor, which takes the lock the export holds (seen in this test).
function ecJwk() {
  const ecdh = createECDH('prime256v1');
  const point = ecdh.generateKeys(); // 04 || x || y
  const d = Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()]).subarray(-32);
  const b64 = (b) => Buffer.from(b).toString('base64url');
  return { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)), d: b64(d), key_ops: ['sign', 'verify'] };
}

/**
 * One client: until stop(), creates and imports keys, signs with them, sets and reads secrets, on the instances in
 * `bases` in turn. `requestTimeoutMs` is the longest an answer may take (longer = a hang). A key is made on one in
 * `keyEvery` of a key turn (1: every time; a larger number keeps the token's object count, and so SoftHSM's memory, from
 * growing as fast as the load), the other turns sign and read instead. While `grow()` is false no key is made and secret
 * sets write new versions of the secrets already made (a steady working set).
 */
export async function client({ bases, ca, token, ledger, stop, requestTimeoutMs = 20_000, seed = 0, keyEvery = 1, grow = () => true }) {
  let n = seed;
  const pick = () => bases[n++ % bases.length];
  const opts = (extra = {}) => ({ token: token(), timeoutMs: requestTimeoutMs, ...extra });
  while (!stop()) {
    const base = pick();
    const op = n % 5;
    const growing = grow();
    if ((op === 0 || op === 1) && growing && Math.floor(n / 5) % keyEvery === 0) {
      const name = newName('k');
      const r = op === 0
        ? await call(base, ca, 'POST', `/keys/${name}/create?${API}`, opts({ body: { kty: 'EC', crv: 'P-256' } }))
        : await call(base, ca, 'PUT', `/keys/${name}?${API}`, opts({ body: { key: ecJwk() } }));
      ledger.count(r, op === 0 ? 'create' : 'import');
      if (r.status === 200) {
        const kid = r.json.key.kid;
        ledger.keys.push({ name, version: kid.split('/').pop(), kid, via: base });
        const s = await call(pick(), ca, 'POST', `${new URL(kid).pathname}/sign?${API}`, opts({ body: { alg: 'ES256', value: digest(name) } }));
        ledger.count(s, 'sign');
      } else {
        // 503 because the operation's audit record could not be stored: the key was made, only its answer was withheld.
        ledger.failedCreates.push({ name, status: r.status, answerWithheld: /audit log cannot store records/.test(r.text ?? '') });
      }
    } else if (op === 2 || op === 3) {
      const name = growing || !ledger.secrets.length ? newName('s') : ledger.secrets[n % ledger.secrets.length].name;
      const value = randomBytes(12).toString('hex');
      const r = await call(base, ca, 'PUT', `/secrets/${name}?${API}`, opts({ body: { value } }));
      ledger.count(r, 'secret set');
      if (r.status === 200) ledger.secrets.push({ name, version: r.json.id.split('/').pop(), value });
    } else {
      const known = ledger.keys[ledger.keys.length - 1 - (n % Math.max(1, Math.min(ledger.keys.length, 20)))];
      if (known) {
        const s = await call(base, ca, 'POST', `${new URL(known.kid).pathname}/sign?${API}`, opts({ body: { alg: 'ES256', value: digest('x') } }));
        ledger.count(s, 'sign');
      }
      const sec = ledger.secrets[ledger.secrets.length - 1];
      if (sec) ledger.count(await call(base, ca, 'GET', `/secrets/${sec.name}/${sec.version}?${API}`, opts()), 'secret get');
    }
  }
}

/**
 * An operator granting and revoking an app's access in turn (management API). Each acknowledged revoke is recorded; the
 * last acknowledged change decides what must hold afterwards.
 */
export async function grants({ bases, ca, operatorToken, appOid, ledger, stop, requestTimeoutMs = 20_000 }) {
  const path = `/management/vaults/default/accessPolicies/${appOid}?api-version=2024-11-01`;
  let n = 0;
  while (!stop()) {
    const base = bases[n++ % bases.length];
    const grant = n % 2 === 1;
    const r = grant
      ? await call(base, ca, 'PUT', path, { token: operatorToken(), timeoutMs: requestTimeoutMs, body: { permissions: { keys: ['get', 'sign'], secrets: [] } } })
      : await call(base, ca, 'DELETE', path, { token: operatorToken(), timeoutMs: requestTimeoutMs });
    ledger.count(r, grant ? 'grant' : 'revoke');
    if (r.status >= 200 && r.status < 300) ledger.lastGrant = grant ? 'granted' : 'revoked';
    else if (!grant && r.status === 404) ledger.lastGrant = 'revoked';
    await new Promise((res) => setTimeout(res, 300));
  }
}

/**
 * Checks every acknowledged write on every instance in turn, `concurrency` at a time; returns a list of problems (empty =
 * all there and working).
 */
export async function verify({ bases, ca, token, ledger, concurrency = 1 }) {
  const problems = [];
  const checks = [
    ...ledger.keys.map((k) => async (base) => {
      const s = await call(base, ca, 'POST', `${new URL(k.kid).pathname}/sign?${API}`, { token: token(), body: { alg: 'ES256', value: digest('after') } });
      if (s.status !== 200) problems.push(`acknowledged key ${k.name}/${k.version} does not sign on ${base}: ${s.status} ${s.text?.slice(0, 200)}`);
    }),
    ...ledger.secrets.map((sec) => async (base) => {
      const g = await call(base, ca, 'GET', `/secrets/${sec.name}/${sec.version}?${API}`, { token: token() });
      if (g.status !== 200 || g.json?.value !== sec.value) problems.push(`acknowledged secret ${sec.name}/${sec.version} on ${base}: ${g.status} ${g.text?.slice(0, 200)}`);
    }),
  ];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < checks.length) { const i = next++; await checks[i](bases[i % bases.length]); }
  }));
  return problems;
}
