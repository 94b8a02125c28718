// Random bytes from the HSM: through the SDK where KeyClient has getRandomBytes, and over REST.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { keyClient, hostIsUp, adminRequest, fromB64u } from '../lib/clients.mjs';
import { show } from '../lib/http.mjs';

describe('random bytes', () => {
  before(hostIsUp);

  it('REST POST /rng {count:32} returns 32 bytes, different each time', async () => {
    const a = await adminRequest('POST', '/rng?api-version=7.4', { body: { count: 32 } });
    const b = await adminRequest('POST', '/rng?api-version=7.4', { body: { count: 32 } });
    assert.equal(a.status, 200, show(a));
    assert.match(a.json.value, /^[A-Za-z0-9_-]+$/, 'base64url');
    assert.equal(fromB64u(a.json.value).length, 32);
    assert.notEqual(a.json.value, b.json.value);
  });

  it('KeyClient.getRandomBytes (when this SDK version has it)', async (t) => {
    const client = keyClient();
    if (typeof client.getRandomBytes !== 'function') return t.skip('KeyClient has no getRandomBytes in this SDK version');
    const bytes = await client.getRandomBytes(48);
    assert.equal(bytes.length, 48);
  });

  it('count out of range is 400', async () => {
    const r = await adminRequest('POST', '/rng?api-version=7.4', { body: { count: 0 } });
    assert.equal(r.status, 400, show(r));
  });
});
