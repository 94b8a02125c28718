// Durable before answered: an instance killed with SIGKILL under load loses no audit record of a request it answered.
// Its records are read back through the auditor's query API on the test host (the same storage).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hostIsUp, uniqueName, b64u } from '../lib/clients.mjs';
import { fetchToken } from '../lib/credential.mjs';
import { request, show } from '../lib/http.mjs';
import { env } from '../lib/env.mjs';
import { startSpareHost } from '../lib/spare-host.mjs';

const CONNECTIONS = 16;

async function auditedCorrelationIds(auditorToken, key, since) {
  const ids = new Set();
  const query = new URLSearchParams({ 'api-version': '2024-11-01', object: `keys/${key}`, operation: 'KeySign',
    start: since.toISOString(), end: new Date(Date.now() + 60_000).toISOString(), maxresults: '1000' });
  let next = `/management/audit/vaults/default/records?${query}`;
  while (next) {
    const r = await request('GET', next, { headers: { authorization: `Bearer ${auditorToken}` } });
    assert.equal(r.status, 200, show(r));
    for (const record of r.json.value) ids.add(record.correlationId);
    next = r.json.nextLink ? new URL(r.json.nextLink).pathname + new URL(r.json.nextLink).search : null;
  }
  return ids;
}

describe('audit durability', () => {
  let spare;
  before(async () => { await hostIsUp(); spare = await startSpareHost(); });
  after(async () => { await spare?.stop(); });

  it('SIGKILL under load: every answered request has its stored record', { timeout: 120_000 }, async () => {
    const since = new Date(Date.now() - 1000);
    const admin = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
    const auditorId = process.env.HSMVAULT_TEST_AUDITOR_ID, auditorSecret = process.env.HSMVAULT_TEST_AUDITOR_SECRET;
    const auditor = (await fetchToken(env.tenant, auditorId, auditorSecret)).token;
    const headers = (id) => ({ authorization: `Bearer ${admin}`, 'x-ms-client-request-id': id });
    const key = uniqueName('crash-audit');
    const created = await request('POST', `/keys/${key}/create?api-version=7.6`, { base: spare.url, headers: headers(`${key}-create`),
      body: { kty: 'EC', crv: 'P-256' } });
    assert.equal(created.status, 200, show(created));
    const kid = new URL(created.json.key.kid).pathname;
    const digest = b64u(createHash('sha256').update('crash').digest());

    const answered = new Set();
    let refused = 0;
    let killedAt;
    const worker = async (w) => {
      for (let i = 0; ; i++) {
        const id = `${key}-${w}-${i}`;
        let r;
        try {
          r = await request('POST', `${kid}/sign?api-version=7.6`, { base: spare.url, headers: headers(id), body: { alg: 'ES256', value: digest } });
        } catch { return; } // connection cut by the kill: not answered
        if (r.status === 200) answered.add(id); else refused++;
        if (killedAt) return;
      }
    };
    const workers = Array.from({ length: CONNECTIONS }, (_, w) => worker(w));
    // Kill mid-stream, once a fair number of requests were answered (at most 5 s of load).
    const deadline = Date.now() + 5000;
    while (answered.size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    killedAt = Date.now();
    spare.kill('SIGKILL');
    await Promise.all(workers);
    assert.ok(answered.size >= 50, `only ${answered.size} requests answered before the kill (refused ${refused})`);

    const stored = await auditedCorrelationIds(auditor, key, since);
    const missing = [...answered].filter((id) => !stored.has(id));
    console.log(`AUDIT_CRASH answered=${answered.size} stored=${stored.size} missing=${missing.length} refused=${refused}`);
    assert.deepEqual(missing, [], `answered but not audited: ${missing.slice(0, 5).join(', ')}`);
  });
});
