// Per-vault key quotas (issue #13, finding 2) through the official SDK. infra/local/start-test-host.sh gives two vaults
// small quotas: quotavault (3 keys, 2 versions per key) and quotarate (1 key create per second); every other vault keeps
// the defaults. Counts over → 409 QuotaExceeded (the SDK does not retry it); rate over → 429 Throttled with Retry-After.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { KeyClient } from '@azure/keyvault-keys';
import { env } from '../lib/env.mjs';
import { adminCredential } from '../lib/credential.mjs';
import { vaultAgent, show } from '../lib/http.mjs';
import { mgmt, grant, onVault } from '../lib/access.mjs';

const vaultUrl = (name) => { const u = new URL(env.url); u.hostname = `${name}.${u.hostname}`; return u.origin; };
const clientOf = (vault) => new KeyClient(vaultUrl(vault), adminCredential(), { disableChallengeResourceVerification: true, agent: vaultAgent() });

async function ensureVault(name) {
  const put = await mgmt('PUT', `vaults/${name}`, { body: { properties: {} } });
  assert.ok([200, 201].includes(put.status), show(put));
  await grant(name, env.adminOid, { keys: ['all'] });
}

async function rejects409(promise, what) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.statusCode, 409, `${what}: ${e.statusCode} ${e.message}`);
    assert.equal(e.code, 'QuotaExceeded', `${what}: ${e.code}`);
    return true;
  });
}

describe('per-vault key quotas (finding 2)', () => {
  before(async () => { await ensureVault('quotavault'); await ensureVault('quotarate'); });

  it('keys per vault and versions per key: 409 QuotaExceeded, soft-deleted keys count until purged', async () => {
    const client = clientOf('quotavault');
    // A vault left over from an earlier run on the same storage starts empty again.
    for await (const p of client.listPropertiesOfKeys()) { await (await client.beginDeleteKey(p.name)).pollUntilDone(); await client.purgeDeletedKey(p.name); }
    for await (const d of client.listDeletedKeys()) await client.purgeDeletedKey(d.name);

    const names = ['qa', 'qb', 'qc'].map((n) => `${n}-${crypto.randomBytes(3).toString('hex')}`);
    for (const n of names) await client.createEcKey(n, { curve: 'P-256' });
    await rejects409(client.createEcKey('qd-over', { curve: 'P-256' }), 'a fourth key');
    const jwk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    await rejects409(client.importKey('qd-import', { kty: 'EC', crv: 'P-256', x: Buffer.from(jwk.x, 'base64url'), y: Buffer.from(jwk.y, 'base64url'), d: Buffer.from(jwk.d, 'base64url') }),
      'an imported fourth key');

    // A second version of an existing key is fine; a third is over the quota, by create and by rotate alike.
    await client.createEcKey(names[0], { curve: 'P-256' });
    await rejects409(client.createEcKey(names[0], { curve: 'P-256' }), 'a third version');
    await rejects409(client.rotateKey(names[0]), 'a rotation to a third version');
    const versions = [];
    for await (const v of client.listPropertiesOfKeyVersions(names[0])) versions.push(v.version);
    assert.equal(versions.length, 2, 'a refused create left no version behind');

    // The raw answer: Key Vault error JSON, no Retry-After (there is nothing to wait for).
    const raw = await onVault('quotavault', 'POST', '/keys/qd-raw/create', { as: env.admin, body: { kty: 'EC', crv: 'P-256' } });
    assert.equal(raw.status, 409, show(raw));
    assert.equal(raw.json.error.code, 'QuotaExceeded');
    assert.match(raw.json.error.message, /quota of 3 keys/);
    assert.equal(raw.headers['retry-after'], undefined);

    // Soft-deleted keys still hold HSM objects: they count until purged.
    await (await client.beginDeleteKey(names[2])).pollUntilDone();
    await rejects409(client.createEcKey('qd-after-delete', { curve: 'P-256' }), 'a new key while one is only soft-deleted');
    await client.purgeDeletedKey(names[2]);
    const made = await client.createEcKey('qd-after-purge', { curve: 'P-256' });
    assert.equal(made.name, 'qd-after-purge');
  });

  it('key creates per second: 429 Throttled with Retry-After, which the SDK waits out', async () => {
    const burst = await Promise.all(Array.from({ length: 4 }, (_, i) =>
      onVault('quotarate', 'POST', `/keys/rate-${i}-${crypto.randomBytes(3).toString('hex')}/create`, { as: env.admin, body: { kty: 'EC', crv: 'P-256' } })));
    const refused = burst.filter((r) => r.status === 429);
    assert.ok(refused.length >= 1, burst.map((r) => r.status).join());
    assert.ok(burst.every((r) => r.status === 200 || r.status === 429), burst.map(show).join('\n'));
    for (const r of refused) {
      assert.equal(r.json.error.code, 'Throttled');
      assert.ok(Number(r.headers['retry-after']) >= 1, `Retry-After: ${r.headers['retry-after']}`);
    }
    // The SDK retries a 429 after Retry-After: a create right after the burst still succeeds.
    const key = await clientOf('quotarate').createEcKey(`rate-sdk-${crypto.randomBytes(3).toString('hex')}`, { curve: 'P-256' });
    assert.ok(key.id);
  });
});
