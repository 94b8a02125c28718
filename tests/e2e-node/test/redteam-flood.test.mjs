// Red-team case of issue #13, finding 1: a flood of bad tokens must not take the vault down for authorized callers.
// The flood and the authorized caller share one source address (127.0.0.2: every 127/8 address is loopback on Linux, and
// the rest of the suite comes from 127.0.0.1, so the flood never spends their budget). The address's budget of failed
// authentications runs out within the first second; from then on its requests are refused (429) before their tokens are
// checked, except those carrying a token that already passed validation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import https from 'node:https';
import { fetchToken } from '../lib/credential.mjs';
import { env } from '../lib/env.mjs';
import { request as plain } from '../lib/http.mjs';

const FLOOD_SECONDS = process.env.HSMVAULT_LONG === '1' ? 30 : 8;
const FLOOD_CONNECTIONS = 64;
const SOURCE = '127.0.0.2';

let agent;
let token;

/** A vault request from the flood's own source address (api-version added). */
const send = (method, path, { headers = {}, body } = {}) =>
  plain(method, `${path}${path.includes('?') ? '&' : '?'}api-version=7.6`, { headers, body, agent });

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
};

before(async () => {
  agent = new https.Agent({ keepAlive: true, maxSockets: FLOOD_CONNECTIONS + 4, localAddress: SOURCE, ca: env.ca });
  token = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
});
after(() => agent?.destroy());

describe('red team: bad-token flood (finding 1)', () => {
  it(`an authorized caller keeps ≥ 99% success during a ${FLOOD_SECONDS} s bad-token flood from its own address`, { timeout: (FLOOD_SECONDS + 60) * 1000 }, async () => {
    const auth = { authorization: `Bearer ${token}` };
    const name = `flood-${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
    const created = await send('POST', `/keys/${name}/create`, { headers: auth, body: { kty: 'EC-HSM', crv: 'P-256', key_ops: ['sign'] } });
    assert.equal(created.status, 200, created.text);
    const kid = new URL(created.json.key.kid).pathname; // /keys/{name}/{version}
    // A token signed by someone else: well-formed, so each one would cost a full signature check.
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${crypto.randomBytes(256).toString('base64url')}`;

    const flood = { sent: 0, refused: 0, unauthorized: 0, other: 0, errors: 0, retryAfter: 0, errorJson: 0 };
    const deadline = Date.now() + FLOOD_SECONDS * 1000;
    const flooder = async () => {
      while (Date.now() < deadline) {
        flood.sent++;
        try {
          const r = await send('GET', '/keys', { headers: { authorization: `Bearer ${forged}` } });
          if (r.status === 429) {
            flood.refused++;
            if (Number(r.headers['retry-after']) >= 1) flood.retryAfter++;
            if (r.json?.error?.code === 'Throttled' && r.json.error.message) flood.errorJson++;
          } else if (r.status === 401) flood.unauthorized++;
          else flood.other++;
        } catch { flood.errors++; }
      }
    };
    const authorized = { attempts: 0, ok: 0, failures: [], latencies: [] };
    const tokenless = {};
    const digest = crypto.randomBytes(32).toString('base64url');
    const signer = async () => {
      while (Date.now() < deadline) {
        authorized.attempts++;
        const started = performance.now();
        try {
          const r = await send('POST', `${kid}/sign`, { headers: auth, body: { alg: 'ES256', value: digest } });
          if (r.status === 200 && r.json?.value) authorized.ok++;
          else authorized.failures.push(r.status);
        } catch (e) { authorized.failures.push(e.code ?? e.message); }
        authorized.latencies.push(performance.now() - started);
        // A request without any token from the flooding address (an SDK's challenge-seeking first request) is refused too.
        const bare = await send('GET', '/keys').catch(() => ({ status: 0 }));
        tokenless[bare.status] = (tokenless[bare.status] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const started = performance.now();
    await Promise.all([...Array.from({ length: FLOOD_CONNECTIONS }, flooder), signer()]);
    const seconds = (performance.now() - started) / 1000;

    // From 127.0.0.1 the challenge is as usual.
    const elsewhere = await plain('GET', '/keys?api-version=7.6');

    const rate = authorized.ok / authorized.attempts;
    console.log(`flood: ${flood.sent} bad-token requests in ${seconds.toFixed(1)} s (${Math.round(flood.sent / seconds)}/s) over ${FLOOD_CONNECTIONS} connections; ` +
      `refused 429: ${flood.refused}, 401: ${flood.unauthorized}, other: ${flood.other}, errors: ${flood.errors}`);
    console.log(`authorized signer on the same address: ${authorized.ok}/${authorized.attempts} = ${(100 * rate).toFixed(2)}% ` +
      `p50 ${percentile(authorized.latencies, 50).toFixed(1)} ms, p99 ${percentile(authorized.latencies, 99).toFixed(1)} ms` +
      (authorized.failures.length ? `; failures: ${[...new Set(authorized.failures)].join(', ')}` : '') +
      `; tokenless requests from that address: ${JSON.stringify(tokenless)}`);

    assert.ok(authorized.attempts >= 5, `the signer made only ${authorized.attempts} attempts`);
    assert.ok(rate >= 0.99, `authorized success rate ${(100 * rate).toFixed(2)}% < 99%`);
    assert.ok(flood.sent >= 500, `the flood sent only ${flood.sent} requests`);
    assert.ok(flood.refused >= 0.9 * flood.sent, `only ${flood.refused} of ${flood.sent} bad-token requests were refused before validation`);
    assert.equal(flood.other, 0, 'a bad token was answered with something other than 401 or 429');
    assert.equal(flood.retryAfter, flood.refused, 'every 429 names Retry-After');
    assert.equal(flood.errorJson, flood.refused, 'every 429 has a Key Vault error body');
    const bare = Object.values(tokenless).reduce((a, b) => a + b, 0);
    assert.ok((tokenless[429] ?? 0) >= 0.8 * bare, `tokenless requests from the flooding address: ${JSON.stringify(tokenless)}`);
    assert.equal((tokenless[429] ?? 0) + (tokenless[401] ?? 0), bare, JSON.stringify(tokenless));
    assert.equal(elsewhere.status, 401, `the challenge from another address: ${elsewhere.status} ${elsewhere.text.slice(0, 200)}`);
    assert.match(elsewhere.headers['www-authenticate'] ?? '', /^Bearer authorization=/);
  });
});
