// Error handling: Key Vault status codes and error shapes; bad input never yields a 5xx.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { hostIsUp, adminRequest, keyClient, uniqueName } from '../lib/clients.mjs';

const assertError = (r, status, code) => {
  assert.equal(r.status, status, show(r));
  assert.equal(typeof r.json?.error?.message, 'string', show(r));
  if (code) assert.equal(r.json.error.code, code, show(r));
};

describe('errors', () => {
  before(hostIsUp);

  it('unknown key: 404 KeyNotFound (raw and via SDK)', async () => {
    const name = uniqueName('missing');
    assertError(await adminRequest('GET', `/keys/${name}?api-version=${API_VERSION}`), 404, 'KeyNotFound');
    await assert.rejects(keyClient().getKey(name), (e) => e.statusCode === 404 && e.code === 'KeyNotFound');
  });

  it('unknown version of an existing key: 404 KeyNotFound', async () => {
    const name = uniqueName('noversion');
    await keyClient().createEcKey(name, { curve: 'P-256' });
    assertError(await adminRequest('GET', `/keys/${name}/0123456789abcdef0123456789abcdef?api-version=${API_VERSION}`), 404, 'KeyNotFound');
  });

  it('unsupported api-version: 400 BadParameter', async () => {
    assertError(await adminRequest('GET', '/keys?api-version=1999-01-01'), 400, 'BadParameter');
  });

  it('missing api-version: 400 BadParameter', async () => {
    assertError(await adminRequest('GET', '/keys'), 400, 'BadParameter');
  });

  it('malformed JSON body: 400', async () => {
    const r = await adminRequest('POST', `/keys/${uniqueName('badjson')}/create?api-version=${API_VERSION}`, { body: '{"kty": "RSA",' });
    assertError(r, 400);
  });

  it('unknown kty: 400', async () => {
    const r = await adminRequest('POST', `/keys/${uniqueName('badkty')}/create?api-version=${API_VERSION}`, { body: { kty: 'DSA' } });
    assertError(r, 400);
  });

  it('invalid key name: 400', async () => {
    const r = await adminRequest('POST', `/keys/${encodeURIComponent('bad_name!')}/create?api-version=${API_VERSION}`, { body: { kty: 'EC', crv: 'P-256' } });
    assertError(r, 400);
  });

  it('oversized body (1 MiB): 4xx, not 5xx', async () => {
    const big = JSON.stringify({ kty: 'EC', crv: 'P-256', tags: { pad: 'x'.repeat(1024 * 1024) } });
    const r = await adminRequest('POST', `/keys/${uniqueName('big')}/create?api-version=${API_VERSION}`, { body: big });
    assert.ok(r.status >= 400 && r.status < 500, show(r));
  });

  it('unsupported algorithm for the key type: 400', async () => {
    const key = await keyClient().createEcKey(uniqueName('badalg'), { curve: 'P-256' });
    const r = await adminRequest('POST', `/keys/${key.name}/${key.properties.version}/sign?api-version=${API_VERSION}`,
      { body: { alg: 'RS256', value: Buffer.alloc(32).toString('base64url') } });
    assertError(r, 400);
  });

  it('x-ms-client-request-id is echoed', async () => {
    const id = '5a3c2b1e-0000-4000-8000-00000000abcd';
    const r = await adminRequest('GET', `/keys/${uniqueName('echo')}?api-version=${API_VERSION}`, { headers: { 'x-ms-client-request-id': id } });
    assert.equal(r.headers['x-ms-client-request-id'], id);
  });
});
