// Reading, listing (with paging) and updating keys; the vault must enforce enabled/nbf/exp/key_ops itself.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { keyClient, cryptoClient, uniqueName, hostIsUp, adminRequest, b64u } from '../lib/clients.mjs';
import { API_VERSION } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';

const digest32 = b64u(Buffer.alloc(32, 7));
const signRaw = (name, version) =>
  adminRequest('POST', `/keys/${name}/${version}/sign?api-version=${API_VERSION}`, { body: { alg: 'ES256', value: digest32 } });

describe('manage keys', () => {
  let client;
  before(async () => { await hostIsUp(); client = keyClient(); });

  it('getKey: latest and by version', async () => {
    const name = uniqueName('get');
    const created = await client.createEcKey(name, { curve: 'P-256', tags: { app: 'e2e' } });
    const latest = await client.getKey(name);
    assert.equal(latest.id, created.id);
    assert.deepEqual(latest.properties.tags, { app: 'e2e' });
    const byVersion = await client.getKey(name, { version: created.properties.version });
    assert.equal(byVersion.id, created.id);
    assert.deepEqual(Buffer.from(byVersion.key.y), Buffer.from(created.key.y));
  });

  it('listPropertiesOfKeys follows nextLink across small pages', async () => {
    const prefix = uniqueName('list');
    const names = Array.from({ length: 27 }, (_, i) => `${prefix}-${i}`);
    for (let i = 0; i < names.length; i += 4) {
      await Promise.all(names.slice(i, i + 4).map((n) => client.createEcKey(n, { curve: 'P-256' })));
    }
    const seen = new Set();
    let pages = 0;
    for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 5 })) {
      pages++;
      assert.ok(page.length <= 5, `page of ${page.length} items exceeds maxresults=5`);
      for (const p of page) seen.add(p.name);
    }
    assert.ok(pages >= 6, `expected at least 6 pages, got ${pages}`);
    for (const n of names) assert.ok(seen.has(n), `${n} missing from the listing`);
  });

  it('listPropertiesOfKeyVersions lists every version', async () => {
    const name = uniqueName('versions');
    const versions = [];
    for (let i = 0; i < 3; i++) versions.push((await client.createEcKey(name, { curve: 'P-256' })).properties.version);
    const listed = [];
    for await (const p of client.listPropertiesOfKeyVersions(name)) {
      assert.equal(p.name, name);
      listed.push(p.version);
    }
    assert.deepEqual(listed.sort(), versions.sort());
  });

  it('updateKeyProperties: tags and enabled; a disabled key cannot sign (403 KeyDisabled)', async () => {
    const name = uniqueName('disable');
    const key = await client.createEcKey(name, { curve: 'P-256' });
    const updated = await client.updateKeyProperties(name, key.properties.version, { enabled: false, tags: { state: 'off' } });
    assert.equal(updated.properties.enabled, false);
    assert.deepEqual(updated.properties.tags, { state: 'off' });

    const r = await signRaw(name, key.properties.version);
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json?.error?.code, 'Forbidden', show(r));
    assert.equal(r.json?.error?.innererror?.code, 'KeyDisabled', show(r));

    // Through the SDK (from a key id: the SDK does not check `enabled` itself).
    await assert.rejects(cryptoClient(key.id).sign('ES256', Buffer.alloc(32, 7)), (e) => e.statusCode === 403);

    await client.updateKeyProperties(name, key.properties.version, { enabled: true });
    const ok = await signRaw(name, key.properties.version);
    assert.equal(ok.status, 200, show(ok));
  });

  it('a key whose nbf is in the future cannot sign (403 Forbidden)', async () => {
    const name = uniqueName('nbf');
    const key = await client.createEcKey(name, { curve: 'P-256', notBefore: new Date(Date.now() + 3600_000) });
    assert.ok(key.properties.notBefore > new Date());
    const r = await signRaw(name, key.properties.version);
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json?.error?.code, 'Forbidden', show(r));
    assert.equal(r.json?.error?.innererror?.code, 'KeyNotYetValid', show(r));
  });

  it('a key whose exp is in the past cannot sign (403 Forbidden)', async () => {
    const name = uniqueName('exp');
    const key = await client.createEcKey(name, { curve: 'P-256' });
    await client.updateKeyProperties(name, key.properties.version, { expiresOn: new Date(Date.now() - 3600_000) });
    const r = await signRaw(name, key.properties.version);
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json?.error?.code, 'Forbidden', show(r));
    assert.equal(r.json?.error?.innererror?.code, 'KeyExpired', show(r));
  });

  it('key_ops restrict operations: a verify-only key cannot sign', async () => {
    const name = uniqueName('ops');
    const key = await client.createEcKey(name, { curve: 'P-256', keyOps: ['verify'] });
    assert.deepEqual(key.keyOperations, ['verify']);
    const r = await signRaw(name, key.properties.version);
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json?.error?.code, 'Forbidden', show(r));
    assert.equal(r.json?.error?.innererror?.code, 'KeyOperationForbidden', show(r));
  });

  // Deliberate difference from Key Vault: the HSM object's usage flags are fixed at creation, so key_ops
  // can be narrowed but not widened beyond them (README, "Keys API").
  it('key_ops cannot be widened beyond the HSM object\'s usage: 400 naming the operation', async () => {
    const name = uniqueName('widen');
    const key = await client.createEcKey(name, { curve: 'P-256', keyOps: ['verify'] });
    await assert.rejects(
      client.updateKeyProperties(name, key.properties.version, { keyOps: ['sign', 'verify'] }),
      (e) => e.statusCode === 400 && e.code === 'BadParameter' && /cannot add sign/.test(e.message));
    const refused = await signRaw(name, key.properties.version);
    assert.equal(refused.status, 403, show(refused));
  });
});
