// Vault soft delete on the management API: a deleted vault stops serving at once, is listed under deletedVaults with its
// purge date, recovers with its keys and secrets usable again, and a purge destroys every HSM object of the vault (counted on
// the token) and frees the name; purge protection refuses the purge.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { env } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { mgmt, onVault, vaultName } from '../lib/access.mjs';
import { tokenObjectCount } from '../lib/token-objects.mjs';

const digest = createHash('sha256').update('vault lifecycle').digest('base64url');
/** Signs with the current version of key `ec` of the vault. */
async function signWithEc(vault) {
  const key = await onVault(vault, 'GET', '/keys/ec', { as: env.admin });
  if (key.status !== 200) return key;
  return onVault(vault, 'POST', `${new URL(key.json.key.kid).pathname}/sign`, { as: env.admin, body: { alg: 'ES256', value: digest } });
}

const adminPolicy = [{ objectId: env.adminOid, permissions: { keys: ['all'], secrets: ['all'] } }];

async function create(name, properties = {}) {
  const r = await mgmt('PUT', `vaults/${name}`, { body: { properties: { tenantId: env.tenant, accessPolicies: adminPolicy, ...properties } } });
  assert.equal(r.status, 201, show(r));
  return r.json;
}

/** Two RSA versions, one EC key and one secret (which makes the vault's secret-sealing key). */
async function fill(name) {
  for (const [key, body] of [['rsa', { kty: 'RSA', key_size: 2048 }], ['rsa', { kty: 'RSA', key_size: 2048 }], ['ec', { kty: 'EC', crv: 'P-256' }]])
    assert.equal((await onVault(name, 'POST', `/keys/${key}/create`, { as: env.admin, body })).status, 200);
  assert.equal((await onVault(name, 'PUT', '/secrets/s', { as: env.admin, body: { value: 'kept' } })).status, 200);
}

describe('vault lifecycle (management API)', () => {
  let name;
  before(async () => { name = vaultName('vlc'); });

  it('delete stops serving at once; deletedVaults lists it with its purge date; recover brings keys and secrets back', async () => {
    await create(name, { softDeleteRetentionInDays: 7 });
    await fill(name);
    assert.equal((await signWithEc(name)).status, 200);
    const version = (await onVault(name, 'GET', '/keys/ec', { as: env.admin })).json.key.kid.split('/').pop();
    const deleted = await mgmt('DELETE', `vaults/${name}`);
    assert.ok([200, 202, 204].includes(deleted.status), show(deleted));
    const refused = await onVault(name, 'POST', `/keys/ec/${version}/sign`, { as: env.admin, body: { alg: 'ES256', value: digest } });
    assert.ok(refused.status >= 400 && refused.status < 500, show(refused));
    assert.equal((await mgmt('GET', `vaults/${name}`)).status, 404);
    const list = await mgmt('GET', 'deletedVaults');
    assert.equal(list.status, 200, show(list));
    const entry = list.json.value.find((v) => v.name === name);
    assert.ok(entry, `${name} not among deleted vaults: ${show(list)}`);
    const one = await mgmt('GET', `deletedVaults/${name}`);
    assert.equal(one.status, 200, show(one));
    const { deletionDate, scheduledPurgeDate } = one.json.properties;
    assert.equal(new Date(scheduledPurgeDate) - new Date(deletionDate), 7 * 24 * 3600 * 1000, show(one));
    // The name stays reserved while the vault is deleted.
    assert.equal((await mgmt('PUT', `vaults/${name}`, { body: { properties: { tenantId: env.tenant } } })).status, 409);

    const recovered = await mgmt('POST', `deletedVaults/${name}/recover`);
    assert.ok([200, 202].includes(recovered.status), show(recovered));
    const signed = await signWithEc(name);
    assert.equal(signed.status, 200, show(signed));
    const secret = await onVault(name, 'GET', '/secrets/s', { as: env.admin });
    assert.equal(secret.json?.value, 'kept', show(secret));
    assert.equal((await mgmt('GET', `deletedVaults/${name}`)).status, 404);
  });

  it('purge destroys every HSM object of the vault and frees its name', async () => {
    const purged = vaultName('vpg');
    const before = tokenObjectCount();
    await create(purged);
    await fill(purged);
    const filled = tokenObjectCount();
    // Two RSA versions and one EC key (a private and a public object each) and the sealing key, at least.
    assert.ok(filled - before >= 4, `objects before ${before}, after filling ${filled}`);

    assert.equal((await mgmt('POST', `deletedVaults/${purged}/purge`)).status, 404, 'a live vault cannot be purged');
    assert.ok([200, 202, 204].includes((await mgmt('DELETE', `vaults/${purged}`)).status));
    const r = await mgmt('POST', `deletedVaults/${purged}/purge`);
    assert.ok([200, 202, 204].includes(r.status), show(r));
    assert.equal(tokenObjectCount(), before, 'every HSM object of the purged vault is destroyed');
    assert.equal((await mgmt('GET', `deletedVaults/${purged}`)).status, 404);

    await create(purged); // the name is free, and the new vault sees nothing of the old one
    const keys = await onVault(purged, 'GET', '/keys', { as: env.admin });
    assert.deepEqual(keys.json?.value, [], show(keys));
  });

  it('purge protection: the purge is 403 with Key Vault\'s message, recover still works', async () => {
    const kept = vaultName('vpp');
    await create(kept, { enablePurgeProtection: true });
    assert.ok([200, 202, 204].includes((await mgmt('DELETE', `vaults/${kept}`)).status));
    const r = await mgmt('POST', `deletedVaults/${kept}/purge`);
    assert.equal(r.status, 403, show(r));
    assert.match(r.json.error.message, /purge protection/i, show(r));
    assert.ok([200, 202].includes((await mgmt('POST', `deletedVaults/${kept}/recover`)).status));
    const off = await mgmt('PATCH', `vaults/${kept}`, { body: { properties: { enablePurgeProtection: false } } });
    assert.ok(off.status >= 400 && off.status < 500, `purge protection cannot be turned off: ${show(off)}`);
  });
});
