// @azure/keyvault-secrets (SecretClient, unmodified) against the standalone host: set, get, versions, paging,
// update, disabled/expired behaviour, unicode and 25 KB values, content types, limits and access policy.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import { env, API_VERSION, VAULT_SCOPE } from '../lib/env.mjs';
import { adminCredential, DevClientCredential } from '../lib/credential.mjs';
import { uniqueName, hostIsUp, adminRequest } from '../lib/clients.mjs';
import { request, show } from '../lib/http.mjs';

const options = { disableChallengeResourceVerification: true };
const KB25 = 25 * 1024;

async function refused(promise, status, code) {
  const e = await promise.then(() => null, (err) => err);
  assert.ok(e, `expected ${status}, but the call succeeded`);
  assert.equal(e.statusCode, status, `expected ${status}, got ${e.statusCode}: ${e.message}`);
  if (code) assert.equal(e.code, code);
  return e;
}

describe('secrets (@azure/keyvault-secrets)', () => {
  let client;
  before(async () => { await hostIsUp(); client = new SecretClient(env.url, adminCredential(), options); });

  it('setSecret then getSecret: latest and by version', async () => {
    const name = uniqueName('sec-get');
    const set = await client.setSecret(name, 'p@ssw0rd', { contentType: 'text/plain', tags: { app: 'e2e' } });
    assert.equal(set.value, 'p@ssw0rd');
    assert.equal(set.properties.id, `${env.url}/secrets/${name}/${set.properties.version}`);
    assert.match(set.properties.version, /^[0-9a-f]{32}$/);
    const latest = await client.getSecret(name);
    assert.equal(latest.value, 'p@ssw0rd');
    assert.equal(latest.properties.contentType, 'text/plain');
    assert.deepEqual(latest.properties.tags, { app: 'e2e' });
    assert.equal(latest.properties.enabled, true);
    assert.ok(latest.properties.createdOn instanceof Date);
    const byVersion = await client.getSecret(name, { version: set.properties.version });
    assert.equal(byVersion.value, 'p@ssw0rd');
  });

  it('GET with and without a trailing slash, and the REST shape of SecretBundle', async () => {
    const name = uniqueName('sec-rest');
    await client.setSecret(name, 'rest');
    for (const path of [`/secrets/${name}`, `/secrets/${name}/`]) {
      const r = await adminRequest('GET', `${path}?api-version=${API_VERSION}`);
      assert.equal(r.status, 200, show(r));
      assert.deepEqual(Object.keys(r.json).sort(), ['attributes', 'id', 'value']);
      assert.equal(r.json.attributes.recoveryLevel, 'Recoverable+Purgeable');
    assert.equal(r.json.attributes.recoverableDays, 90);
      assert.equal(typeof r.json.attributes.created, 'number');
    }
  });

  it('versions: each set makes a new current version; old ones stay readable and listed', async () => {
    const name = uniqueName('sec-versions');
    const versions = [];
    for (let i = 0; i < 3; i++) versions.push((await client.setSecret(name, `v${i}`)).properties.version);
    assert.equal((await client.getSecret(name)).value, 'v2');
    assert.equal((await client.getSecret(name, { version: versions[0] })).value, 'v0');
    const listed = [];
    for await (const p of client.listPropertiesOfSecretVersions(name)) { assert.equal(p.name, name); listed.push(p.version); }
    assert.deepEqual(listed.sort(), [...versions].sort());
  });

  it('listPropertiesOfSecrets follows nextLink with maxresults=5 and lists no values', async () => {
    const prefix = uniqueName('sec-list');
    const names = Array.from({ length: 12 }, (_, i) => `${prefix}-${i}`);
    await Promise.all(names.map((n) => client.setSecret(n, 'listed-value')));
    const seen = new Set();
    let pages = 0;
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 5 })) {
      pages++;
      assert.ok(page.length <= 5, `page of ${page.length}`);
      for (const p of page) { seen.add(p.name); assert.equal(p.value, undefined); }
    }
    assert.ok(pages >= 3, `expected at least 3 pages, got ${pages}`);
    for (const n of names) assert.ok(seen.has(n), `${n} missing`);
    const raw = await adminRequest('GET', `/secrets?api-version=${API_VERSION}&maxresults=25`);
    assert.equal(raw.status, 200, show(raw));
    assert.ok(!raw.text.includes('listed-value'), 'a list response carried a secret value');
    assert.ok(raw.json.value.every((i) => !('value' in i) && /\/secrets\/[0-9a-zA-Z-]+$/.test(i.id)));
  });

  it('updateSecretProperties changes contentType, tags, exp and enabled, never the value', async () => {
    const name = uniqueName('sec-update');
    const set = await client.setSecret(name, 'same');
    const expiresOn = new Date(Date.now() + 86_400_000);
    const updated = await client.updateSecretProperties(name, set.properties.version,
      { contentType: 'application/json', tags: { env: 'prod' }, expiresOn });
    assert.equal(updated.contentType, 'application/json');
    assert.deepEqual(updated.tags, { env: 'prod' });
    assert.equal(Math.floor(updated.expiresOn.getTime() / 1000), Math.floor(expiresOn.getTime() / 1000));
    const read = await client.getSecret(name);
    assert.equal(read.value, 'same');
    assert.equal(read.properties.version, set.properties.version);
  });

  it('a disabled secret: get is 403 SecretDisabled (no value), it is still listed, and re-enabling restores get', async () => {
    const name = uniqueName('sec-disabled');
    const set = await client.setSecret(name, 'disabled-value', { enabled: false });
    assert.equal(set.properties.enabled, false);
    const e = await refused(client.getSecret(name), 403, 'Forbidden');
    assert.match(e.message, /Operation get is not allowed on a disabled secret/);
    const raw = await adminRequest('GET', `/secrets/${name}/${set.properties.version}?api-version=${API_VERSION}`);
    assert.equal(raw.status, 403, show(raw));
    assert.equal(raw.json.error.innererror.code, 'SecretDisabled');
    assert.ok(!raw.text.includes('disabled-value'));
    const versions = [];
    for await (const p of client.listPropertiesOfSecretVersions(name)) versions.push(p);
    assert.equal(versions.length, 1);
    assert.equal(versions[0].enabled, false);
    await client.updateSecretProperties(name, set.properties.version, { enabled: true });
    assert.equal((await client.getSecret(name)).value, 'disabled-value');
  });

  it('expired and not-yet-valid secrets are still returned, as Key Vault does', async () => {
    const expired = uniqueName('sec-expired');
    const future = uniqueName('sec-future');
    await client.setSecret(expired, 'old', { expiresOn: new Date(Date.now() - 86_400_000) });
    await client.setSecret(future, 'new', { notBefore: new Date(Date.now() + 86_400_000) });
    const e = await client.getSecret(expired);
    assert.equal(e.value, 'old');
    assert.ok(e.properties.expiresOn < new Date());
    const f = await client.getSecret(future);
    assert.equal(f.value, 'new');
    assert.ok(f.properties.notBefore > new Date());
  });

  for (const value of ['grüße, ünïcödé', '🔑 秘密 مفتاح\n\t"quoted" \\ \u0001', '']) {
    it(`unicode value round-trips: ${JSON.stringify(value).slice(0, 24)}`, async () => {
      const name = uniqueName('sec-unicode');
      await client.setSecret(name, value);
      assert.equal((await client.getSecret(name)).value, value);
    });
  }

  it('25 KB values are accepted (ASCII and 4-byte UTF-8); one byte more is 400 BadParameter', async () => {
    const name = uniqueName('sec-25kb');
    const ascii = 'y'.repeat(KB25);
    const emoji = '🔑'.repeat(KB25 / 4);
    assert.equal(Buffer.byteLength(emoji), KB25);
    for (const value of [ascii, emoji]) {
      await client.setSecret(name, value);
      assert.equal((await client.getSecret(name)).value, value);
    }
    for (const value of [ascii + 'y', emoji + 'y']) {
      const e = await refused(client.setSecret(name, value), 400, 'BadParameter');
      assert.match(e.message, /25600 bytes/);
    }
    assert.equal((await client.getSecret(name)).value, emoji);
  });

  it('content types round-trip; more than 255 characters is 400', async () => {
    for (const contentType of ['application/x-pkcs12', 'application/x-pem-file', 'text/plain; charset=utf-8', 'c'.repeat(255)]) {
      const name = uniqueName('sec-ctype');
      await client.setSecret(name, 'v', { contentType });
      assert.equal((await client.getSecret(name)).properties.contentType, contentType);
    }
    await refused(client.setSecret(uniqueName('sec-ctype'), 'v', { contentType: 'c'.repeat(256) }), 400, 'BadParameter');
  });

  it('bad input is 400 with a clear message: missing value, 16 tags, bad name, bad JSON, bad maxresults', async () => {
    const name = uniqueName('sec-bad');
    const put = (body, n = name) => adminRequest('PUT', `/secrets/${n}?api-version=${API_VERSION}`, { body });
    let r = await put({ contentType: 'text/plain' });
    assert.equal(r.status, 400, show(r));
    assert.match(r.json.error.message, /'value' is required/);
    const tags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'x']));
    r = await put({ value: 'v', tags });
    assert.equal(r.status, 400, show(r));
    assert.match(r.json.error.message, /at most 15 tags/);
    r = await put({ value: 'v' }, 'bad_name');
    assert.equal(r.status, 400, show(r));
    r = await put('{"value":');
    assert.equal(r.status, 400, show(r));
    r = await adminRequest('GET', `/secrets?api-version=${API_VERSION}&maxresults=26`);
    assert.equal(r.status, 400, show(r));
    r = await adminRequest('GET', `/secrets/${name}?api-version=1.0`);
    assert.equal(r.status, 400, show(r));
  });

  it('unknown secret, version or versions list is 404 SecretNotFound', async () => {
    const name = uniqueName('sec-missing');
    await refused(client.getSecret(name), 404, 'SecretNotFound');
    await client.setSecret(name, 'v');
    await refused(client.getSecret(name, { version: '0123456789abcdef0123456789abcdef' }), 404, 'SecretNotFound');
    const r = await adminRequest('GET', `/secrets/${uniqueName('sec-missing')}/versions?api-version=${API_VERSION}`);
    assert.equal(r.status, 404, show(r));
    assert.equal(r.json.error.code, 'SecretNotFound');
  });

  it('a caller without a secrets policy gets 403 AccessDenied naming the permission, never the value', async () => {
    const name = uniqueName('sec-denied');
    await client.setSecret(name, 'not-for-outsiders');
    const outsider = new SecretClient(env.url, new DevClientCredential(env.noAccess), options);
    const get = await refused(outsider.getSecret(name), 403, 'Forbidden');
    assert.match(get.message, /secrets get permission/);
    assert.ok(!get.message.includes('not-for-outsiders'));
    const set = await refused(outsider.setSecret(name, 'x'), 403, 'Forbidden');
    assert.match(set.message, /secrets set permission/);
    // The SDK's pager reports only the status; the body says which permission is missing.
    await refused((async () => { for await (const _ of outsider.listPropertiesOfSecrets()) { /* drain */ } })(), 403);
    const { token } = await new DevClientCredential(env.noAccess).getToken(VAULT_SCOPE);
    const r = await request('GET', `/secrets?api-version=${API_VERSION}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json.error.innererror.code, 'AccessDenied');
    assert.match(r.json.error.message, /secrets list permission/);
  });
});
