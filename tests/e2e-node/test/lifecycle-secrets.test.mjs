// Secret lifecycle with the official @azure/keyvault-secrets client, unmodified: soft delete and its pollers,
// deleted secrets (never a value), recover, purge, backup/restore.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { env, API_VERSION } from '../lib/env.mjs';
import { adminCredential } from '../lib/credential.mjs';
import { uniqueName, hostIsUp, adminRequest } from '../lib/clients.mjs';
import { show } from '../lib/http.mjs';

const fast = { intervalInMs: 50 };
const statusOf = async (p) => { try { await p; return 200; } catch (e) { return e.statusCode; } };

describe('secret lifecycle (official SDK)', () => {
  let client;
  before(async () => {
    await hostIsUp();
    client = new SecretClient(env.url, adminCredential(), { disableChallengeResourceVerification: true });
  });

  it('beginDeleteSecret, getDeletedSecret, listDeletedSecrets: no value, name reserved', async () => {
    const name = uniqueName('sdel');
    await client.setSecret(name, 'first-value');
    await client.setSecret(name, 'second-value', { contentType: 'text/plain' });
    const deleted = await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
    assert.equal(deleted.name, name);
    assert.equal(deleted.value, undefined);
    assert.equal(deleted.properties.recoveryId, `${env.url}/deletedsecrets/${name}`);
    assert.ok(deleted.properties.scheduledPurgeDate > deleted.properties.deletedOn);
    const raw = await adminRequest('GET', `/deletedsecrets/${name}?api-version=${API_VERSION}`);
    assert.equal(raw.status, 200, show(raw));
    assert.ok(!raw.text.includes('second-value') && !('value' in raw.json), 'a deleted secret bundle never carries the value');
    assert.equal(raw.json.contentType, 'text/plain');

    assert.equal(await statusOf(client.getSecret(name)), 404);
    const reuse = await adminRequest('PUT', `/secrets/${name}?api-version=${API_VERSION}`, { body: { value: 'x' } });
    assert.equal(reuse.status, 409, show(reuse));
    assert.equal(reuse.json.error.innererror.code, 'ObjectIsDeletedButRecoverable');
    let listed = false;
    for await (const d of client.listDeletedSecrets()) if (d.name === name) listed = true;
    assert.ok(listed);
    for await (const p of client.listPropertiesOfSecrets()) assert.notEqual(p.name, name);
    await client.purgeDeletedSecret(name);
  });

  it('beginRecoverDeletedSecret brings every version back with its value', async () => {
    const name = uniqueName('srec');
    const first = await client.setSecret(name, 'v-one');
    await client.setSecret(name, 'v-two');
    await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
    const recovered = await (await client.beginRecoverDeletedSecret(name, fast)).pollUntilDone();
    assert.equal(recovered.name, name);
    assert.equal((await client.getSecret(name)).value, 'v-two');
    assert.equal((await client.getSecret(name, { version: first.properties.version })).value, 'v-one');
  });

  it('purgeDeletedSecret frees the name', async () => {
    const name = uniqueName('spurge');
    await client.setSecret(name, 'gone');
    await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
    await client.purgeDeletedSecret(name);
    assert.equal(await statusOf(client.getDeletedSecret(name)), 404);
    assert.equal((await client.setSecret(name, 'new')).value, 'new');
  });

  it('backupSecret / restoreSecretBackup after purge; the value is never in the blob in the clear', async () => {
    const name = uniqueName('sbak');
    const value = 'restorable-secret-value-0123456789';
    const v1 = await client.setSecret(name, value, { tags: { app: 'orders' } });
    const blob = await client.backupSecret(name);
    const text = Buffer.from(blob).toString('latin1');
    assert.ok(!text.includes(value) && !text.includes(Buffer.from(value).toString('base64').slice(0, 16)));
    assert.equal(await statusOf(client.restoreSecretBackup(blob)), 409);
    await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
    await client.purgeDeletedSecret(name);
    const restored = await client.restoreSecretBackup(blob);
    assert.equal(restored.version, v1.properties.version);
    assert.deepEqual(restored.tags, { app: 'orders' });
    assert.equal((await client.getSecret(name)).value, value);

    const tampered = Buffer.from(blob);
    tampered[tampered.length - 5] ^= 1;
    const r = await adminRequest('POST', `/secrets/restore?api-version=${API_VERSION}`, { body: { value: tampered.toString('base64url') } });
    assert.equal(r.status, 400, show(r));
  });
});
