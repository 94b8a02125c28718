// Authentication and authorization as Key Vault does them: challenge, token validation, access policies.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { KeyClient } from '@azure/keyvault-keys';
import { env, API_VERSION, AUDIENCE } from '../lib/env.mjs';
import { request, show } from '../lib/http.mjs';
import { fetchToken, DevClientCredential } from '../lib/credential.mjs';
import { hostIsUp, keyClient, uniqueName } from '../lib/clients.mjs';
import { forgedRs256, unsigned, payloadOf, headerOf } from '../lib/jwt.mjs';

describe('security', () => {
  let keyName, adminToken;
  before(async () => {
    await hostIsUp();
    keyName = uniqueName('sec');
    await keyClient().createEcKey(keyName, { curve: 'P-256' });
    adminToken = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
  });
  const getKey = (headers = {}) => request('GET', `/keys/${keyName}?api-version=${API_VERSION}`, { headers });
  const assert401 = (r) => {
    assert.equal(r.status, 401, show(r));
    assert.equal(r.headers['www-authenticate'], `Bearer authorization="${env.url}/${env.tenant}", resource="${AUDIENCE}"`);
  };

  it('identity provider: discovery and JWKS are served', async () => {
    const d = await request('GET', `/${env.tenant}/v2.0/.well-known/openid-configuration`);
    assert.equal(d.status, 200, show(d));
    assert.ok(d.json.issuer && d.json.jwks_uri && d.json.token_endpoint, show(d));
    const jwks = await request('GET', `/${env.tenant}/discovery/v2.0/keys`);
    assert.equal(jwks.status, 200, show(jwks));
    assert.ok(jwks.json.keys.length >= 1);
    for (const k of jwks.json.keys) assert.equal(k.d, undefined, 'JWKS must not publish private parts');
  });

  it('token endpoint rejects a wrong client secret', async () => {
    await assert.rejects(fetchToken(env.tenant, env.admin.id, 'wrong-secret'), /token endpoint: 4\d\d/);
  });

  it('no token: 401 with the exact WWW-Authenticate challenge', async () => {
    const r = await getKey();
    assert401(r);
    assert.equal(r.json?.error?.code, 'Unauthorized', show(r));
  });

  it('garbage bearer token: 401', async () => assert401(await getKey({ authorization: 'Bearer not.a.jwt' })));

  it('forged token (right claims, signed by a foreign key, real kid): 401', async () => {
    const claims = { ...payloadOf(adminToken), exp: Math.floor(Date.now() / 1000) + 3600 };
    assert401(await getKey({ authorization: `Bearer ${forgedRs256(claims, headerOf(adminToken).kid)}` }));
  });

  it('alg=none token: 401', async () => {
    assert401(await getKey({ authorization: `Bearer ${unsigned(payloadOf(adminToken))}` }));
  });

  it('real token with its signature stripped or altered payload: 401', async () => {
    const [h, p, s] = adminToken.split('.');
    const other = Buffer.from(JSON.stringify({ ...payloadOf(adminToken), oid: 'cccccccc-0000-4000-8000-000000000003' })).toString('base64url');
    assert401(await getKey({ authorization: `Bearer ${h}.${other}.${s}` }));
    assert401(await getKey({ authorization: `Bearer ${h}.${p}.` }));
  });

  it('valid admin token: 200', async () => {
    const r = await getKey({ authorization: `Bearer ${adminToken}` });
    assert.equal(r.status, 200, show(r));
  });

  it('principal without an access policy: 403 Forbidden / AccessDenied (raw and via SDK)', async () => {
    const { token } = await fetchToken(env.tenant, env.noAccess.id, env.noAccess.secret);
    const r = await getKey({ authorization: `Bearer ${token}` });
    assert.equal(r.status, 403, show(r));
    assert.equal(r.json?.error?.code, 'Forbidden', show(r));
    assert.equal(r.json?.error?.innererror?.code, 'AccessDenied', show(r));

    const client = new KeyClient(env.url, new DevClientCredential(env.noAccess), { disableChallengeResourceVerification: true });
    await assert.rejects(client.getKey(keyName), (e) => e.statusCode === 403);
    await assert.rejects(client.createEcKey(uniqueName('denied'), { curve: 'P-256' }), (e) => e.statusCode === 403);
  });
});
