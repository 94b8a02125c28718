// Key lifecycle with the official @azure/keyvault-keys client, unmodified: soft delete and its pollers, deleted keys,
// recover, purge, backup/restore (crypto checked outside with the original public key), rotation and rotation policy.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { keyClient, cryptoClient, uniqueName, hostIsUp, adminRequest } from '../lib/clients.mjs';
import { API_VERSION } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { publicKeyFromSdkJwk, verifyOutside } from '../lib/crypto-outside.mjs';
import { tokenObjectCount } from '../lib/token-objects.mjs';

const data = Buffer.from('lifecycle');
const sha256 = createHash('sha256').update(data).digest();
const fast = { intervalInMs: 50 };
const statusOf = async (p) => { try { await p; return 200; } catch (e) { return e.statusCode; } };

async function signsForOriginal(id, originalJwk) {
  const { result } = await cryptoClient(id).sign('ES256', sha256);
  return verifyOutside('ES256', publicKeyFromSdkJwk(originalJwk), data, result);
}

describe('key lifecycle (official SDK)', () => {
  let client;
  before(async () => { await hostIsUp(); client = keyClient(); });

  it('beginDeleteKey: a deleted key bundle, then every version unusable, the name reserved and listed as deleted', async () => {
    const name = uniqueName('del');
    const v1 = await client.createEcKey(name, { curve: 'P-256', tags: { app: 'e2e' } });
    const v2 = await client.createEcKey(name, { curve: 'P-256' });
    const poller = await client.beginDeleteKey(name, fast);
    const deleted = await poller.pollUntilDone();
    assert.equal(deleted.name, name);
    assert.equal(deleted.properties.recoveryId, `${new URL(v2.id).origin}/deletedkeys/${name}`);
    assert.ok(deleted.properties.deletedOn instanceof Date);
    const days = (deleted.properties.scheduledPurgeDate - deleted.properties.deletedOn) / 86_400_000;
    assert.ok(Math.abs(days - 90) < 0.01, `scheduled purge ${days} days after deletion`);
    assert.equal(deleted.properties.recoveryLevel, 'Recoverable+Purgeable');
    assert.equal(deleted.properties.recoverableDays, 90);
    assert.deepEqual(Buffer.from(deleted.key.x), Buffer.from(v2.key.x));

    assert.equal(await statusOf(client.getKey(name)), 404);
    assert.equal(await statusOf(client.getKey(name, { version: v1.properties.version })), 404);
    const sign = await adminRequest('POST', `/keys/${name}/${v1.properties.version}/sign?api-version=${API_VERSION}`,
      { body: { alg: 'ES256', value: sha256.toString('base64url') } });
    assert.equal(sign.status, 404, show(sign));
    assert.equal(sign.json.error.code, 'KeyNotFound');
    const update = await adminRequest('PATCH', `/keys/${name}/${v1.properties.version}?api-version=${API_VERSION}`, { body: { tags: {} } });
    assert.equal(update.status, 404, show(update));

    const reuse = await adminRequest('POST', `/keys/${name}/create?api-version=${API_VERSION}`, { body: { kty: 'EC' } });
    assert.equal(reuse.status, 409, show(reuse));
    assert.equal(reuse.json.error.code, 'Conflict');
    assert.equal(reuse.json.error.innererror.code, 'ObjectIsDeletedButRecoverable');
    assert.match(reuse.json.error.message, /is currently in a deleted but recoverable state/);

    for await (const p of client.listPropertiesOfKeys()) assert.notEqual(p.name, name, 'a deleted key is not listed among keys');
    let listed;
    for await (const d of client.listDeletedKeys()) if (d.name === name) listed = d;
    assert.ok(listed, 'listDeletedKeys includes the key');
    assert.equal(listed.properties.recoveryId, deleted.properties.recoveryId);
    const got = await client.getDeletedKey(name);
    assert.deepEqual(got.properties.tags, undefined); // tags of the current version (v2 has none)
    assert.equal(got.properties.version, v2.properties.version);
    await client.purgeDeletedKey(name);
  });

  it('beginRecoverDeletedKey brings every version back; old versions sign for their original public keys', async () => {
    const name = uniqueName('rec');
    const v1 = await client.createEcKey(name, { curve: 'P-256' });
    const v2 = await client.createEcKey(name, { curve: 'P-256' });
    await (await client.beginDeleteKey(name, fast)).pollUntilDone();
    const recovered = await (await client.beginRecoverDeletedKey(name, fast)).pollUntilDone();
    assert.equal(recovered.id, v2.id);
    assert.ok(await signsForOriginal(v1.id, v1.key));
    assert.ok(await signsForOriginal(v2.id, v2.key));
    assert.equal(await statusOf(client.getDeletedKey(name)), 404);
  });

  it('purgeDeletedKey removes it for good and frees the name; purging a live key is 404', async () => {
    const name = uniqueName('purge');
    const before = tokenObjectCount();
    await client.createEcKey(name, { curve: 'P-256' });
    await client.rotateKey(name);
    assert.ok(tokenObjectCount() >= before + 2, 'two versions in the HSM');
    assert.equal(await statusOf(client.purgeDeletedKey(name)), 404);
    await (await client.beginDeleteKey(name, fast)).pollUntilDone();
    await client.purgeDeletedKey(name);
    assert.equal(tokenObjectCount(), before, 'purge destroys every version in the HSM');
    assert.equal(await statusOf(client.getDeletedKey(name)), 404);
    assert.equal(await statusOf(client.beginRecoverDeletedKey(name, fast).then((p) => p.pollUntilDone())), 404);
    const again = await client.createEcKey(name, { curve: 'P-256' });
    assert.equal(again.name, name);
  });

  it('backupKey / restoreKeyBackup after purge: names, versions, tags, ids kept; signs for the original public key', async () => {
    const name = uniqueName('bak');
    const v1 = await client.createEcKey(name, { curve: 'P-256', tags: { team: 'pay' } });
    const v2 = await client.createEcKey(name, { curve: 'P-256', tags: { team: 'pay2' } });
    const backup = await client.backupKey(name);
    assert.ok(backup instanceof Uint8Array && backup.length > 100);
    assert.ok(!Buffer.from(backup).toString('latin1').includes(name), 'the blob is opaque (the name is sealed too)');

    // Refused while the name exists, live or deleted.
    assert.equal(await statusOf(client.restoreKeyBackup(backup)), 409);
    await (await client.beginDeleteKey(name, fast)).pollUntilDone();
    assert.equal(await statusOf(client.restoreKeyBackup(backup)), 409);
    await client.purgeDeletedKey(name);

    const restored = await client.restoreKeyBackup(backup);
    assert.equal(restored.id, v2.id);
    assert.deepEqual(restored.properties.tags, { team: 'pay2' });
    const versions = [];
    for await (const p of client.listPropertiesOfKeyVersions(name)) versions.push(p.version);
    assert.deepEqual(versions.sort(), [v1.properties.version, v2.properties.version].sort());
    assert.deepEqual((await client.getKey(name, { version: v1.properties.version })).properties.tags, { team: 'pay' });
    assert.ok(await signsForOriginal(v1.id, v1.key));
    assert.ok(await signsForOriginal(v2.id, v2.key));
  });

  it('restore refuses malformed, truncated and tampered blobs with 400 BadParameter (foreign ones: BackupBlobTests)', async () => {
    const name = uniqueName('badblob');
    await client.createEcKey(name, { curve: 'P-256' });
    const blob = Buffer.from(await client.backupKey(name));
    const tampered = Buffer.from(blob);
    tampered[Math.floor(tampered.length / 2)] ^= 1;
    const cases = {
      garbage: Buffer.from('not a backup at all'),
      truncated: blob.subarray(0, blob.length - 20),
      tampered,
      empty: Buffer.alloc(0),
    };
    for (const [what, value] of Object.entries(cases)) {
      const r = await adminRequest('POST', `/keys/restore?api-version=${API_VERSION}`, { body: { value: value.toString('base64url') } });
      assert.equal(r.status, 400, `${what}: ${show(r)}`);
      assert.equal(r.json.error.code, 'BadParameter', what);
    }
    const notB64 = await adminRequest('POST', `/keys/restore?api-version=${API_VERSION}`, { body: { value: '***' } });
    assert.equal(notB64.status, 400, show(notB64));
  });

  it('rotateKey makes a new version with the same type, size, key_ops and tags', async () => {
    const name = uniqueName('rot');
    const v1 = await client.createRsaKey(name, { keySize: 3072, keyOps: ['sign', 'verify'], tags: { owner: 'ops' } });
    const v2 = await client.rotateKey(name);
    assert.notEqual(v2.properties.version, v1.properties.version);
    assert.equal(v2.keyType, 'RSA');
    assert.equal(Buffer.from(v2.key.n).length, 384);
    assert.deepEqual(v2.keyOperations, ['sign', 'verify']);
    assert.deepEqual(v2.properties.tags, { owner: 'ops' });
    assert.equal((await client.getKey(name)).id, v2.id);
  });

  it('getKeyRotationPolicy / updateKeyRotationPolicy with Key Vault\'s shape and rules', async () => {
    const name = uniqueName('pol');
    await client.createEcKey(name, { curve: 'P-256' });
    const none = await client.getKeyRotationPolicy(name);
    assert.deepEqual(none.lifetimeActions ?? [], []);
    assert.ok(none.id.endsWith(`/keys/${name}/rotationpolicy`), none.id);
    const policy = await client.updateKeyRotationPolicy(name, {
      expiresIn: 'P90D',
      lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P30D' }, { action: 'Notify', timeBeforeExpiry: 'P10D' }],
    });
    assert.equal(policy.expiresIn, 'P90D');
    assert.deepEqual(policy.lifetimeActions.map((a) => a.action).sort(), ['Notify', 'Rotate']);
    const read = await client.getKeyRotationPolicy(name);
    assert.equal(read.id, policy.id);
    assert.equal(read.lifetimeActions.find((a) => a.action === 'Rotate').timeAfterCreate, 'P30D');

    const bad = {
      'expiry under 28 days': { expiresIn: 'P27D', lifetimeActions: [] },
      'rotate sooner than 7 days': { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P6D' }] },
      'two rotate actions': { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P30D' }, { action: 'Rotate', timeAfterCreate: 'P60D' }] },
      'not a duration': { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'thirty days' }] },
    };
    for (const [what, p] of Object.entries(bad)) {
      const e = await client.updateKeyRotationPolicy(name, p).then(() => null, (err) => err);
      assert.equal(e?.statusCode, 400, what);
      assert.equal(e.code, 'BadParameter', what);
    }
  });
});
