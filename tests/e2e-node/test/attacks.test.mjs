// Attack cases: every one must be refused with 401 (authentication) or 403 (authorization).
// Tokens are minted here, several with the development identity provider's real signing key, so each case
// breaks exactly one rule.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { env } from '../lib/env.mjs';
import { request, show } from '../lib/http.mjs';
import { fetchToken } from '../lib/credential.mjs';
import { forgedRs256, unsigned, payloadOf, headerOf, signedByIdp, hs256 } from '../lib/jwt.mjs';
import { mgmt, onVault, createVault, grant, revoke, vaultName, tokenFor, MGMT_API } from '../lib/access.mjs';

const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('attack cases (all denied)', () => {
  let admin, kid, pem, publicPem, jwkN, claims, iss, vaultB, keyName, keyVersion, disabled;
  before(async () => {
    admin = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
    kid = headerOf(admin).kid;
    pem = env.signingKeyPem;
    publicPem = crypto.createPublicKey(pem).export({ type: 'spki', format: 'pem' });
    jwkN = Buffer.from(crypto.createPublicKey(pem).export({ format: 'jwk' }).n, 'base64url');
    claims = payloadOf(admin);
    iss = claims.iss;
    vaultB = vaultName('atk');
    await createVault(vaultB, { tenant: env.tenant2, policies: [{ objectId: env.t2app.oid, permissions: { keys: ['all'] } }] });
    disabled = vaultName('off');
    await createVault(disabled, { policies: [{ objectId: env.adminOid, permissions: { keys: ['all'] } }] });
    assert.equal((await mgmt('PATCH', `vaults/${disabled}`, { body: { properties: { enabled: false } } })).status, 200);
    keyName = `atk-${Date.now().toString(36)}`;
    const k = await request('POST', `/keys/${keyName}/create?api-version=7.4`, { headers: { authorization: `Bearer ${admin}` }, body: { kty: 'EC', crv: 'P-256' } });
    assert.equal(k.status, 200, show(k));
    keyVersion = k.json.key.kid.split('/').pop();
  });

  const good = (over = {}) => ({ ...claims, iat: now() - 10, nbf: now() - 10, exp: now() + 3600, ...over });
  const real = (c, header) => signedByIdp(pem, kid, c, header);
  const getKey = (headers) => request('GET', `/keys/${keyName}?api-version=7.4`, { headers });
  const bearer = (t) => ({ authorization: `Bearer ${t}` });
  const is401 = (r) => assert.equal(r.status, 401, show(r));
  const is403 = (r) => assert.equal(r.status, 403, show(r));

  it('control: the real admin token and a re-signed copy of its claims are accepted', async () => {
    assert.equal((await getKey(bearer(admin))).status, 200);
    assert.equal((await getKey(bearer(real(good())))).status, 200);
  });

  const cases = [
    ['no Authorization header', () => getKey({})],
    ['empty Bearer', () => getKey({ authorization: 'Bearer ' })],
    ['Basic scheme with the token', () => getKey({ authorization: `Basic ${admin}` })],
    ['token without scheme', () => getKey({ authorization: admin })],
    ['garbage token', () => getKey(bearer('not.a.jwt'))],
    ['two-part token', () => getKey(bearer(admin.split('.').slice(0, 2).join('.')))],
    ['five-part (JWE-shaped) token', () => getKey(bearer(`${admin}.x.y`))],
    ['token in the query string instead of the header', () => request('GET', `/keys/${keyName}?api-version=7.4&access_token=${admin}`)],
    ['alg=none', () => getKey(bearer(unsigned(good())))],
    ['alg=None (case variant)', () => getKey(bearer(`${enc({ alg: 'None', typ: 'JWT', kid })}.${enc(good())}.`))],
    ['alg=none with the real signature kept', () => getKey(bearer(`${enc({ alg: 'none', kid })}.${admin.split('.')[1]}.${admin.split('.')[2]}`))],
    ['HS256 signed with the issuer\'s public key (PEM)', () => getKey(bearer(hs256(good(), publicPem, kid)))],
    ['HS256 signed with the issuer\'s modulus bytes', () => getKey(bearer(hs256(good(), jwkN, kid)))],
    ['HS256 without kid', () => getKey(bearer(hs256(good(), publicPem)))],
    ['RS256 signed by a foreign key claiming the real kid', () => getKey(bearer(forgedRs256(good(), kid)))],
    ['unknown kid, foreign key', () => getKey(bearer(forgedRs256(good(), 'unknown-kid')))],
    ['real key but unknown kid', () => getKey(bearer(signedByIdp(pem, 'unknown-kid', good())))],
    ['real key but no kid', () => getKey(bearer(signedByIdp(pem, undefined, good())))],
    ['PS256 header on an RS256 signature', () => getKey(bearer(real(good(), { alg: 'PS256' })))],
    ['embedded attacker jwk header', () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const head = enc({ alg: 'RS256', kid: 'attacker', jwk: publicKey.export({ format: 'jwk' }) });
      const body = enc(good());
      return getKey(bearer(`${head}.${body}.${crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`));
    }],
    ['jku header pointing at an attacker\'s keys', () => {
      const [, p, sig] = forgedRs256(good(), 'attacker').split('.');
      return getKey(bearer(`${enc({ alg: 'RS256', kid: 'attacker', jku: 'https://evil.example/keys' })}.${p}.${sig}`));
    }],
    ['tampered payload: oid changed', () => { const [h, , s] = admin.split('.'); return getKey(bearer(`${h}.${enc({ ...claims, oid: env.noAccessOid })}.${s}`)); }],
    ['tampered payload: exp extended', () => { const [h, , s] = admin.split('.'); return getKey(bearer(`${h}.${enc({ ...claims, exp: claims.exp + 86400 })}.${s}`)); }],
    ['tampered payload: roles added', () => { const [h, , s] = admin.split('.'); return getKey(bearer(`${h}.${enc({ ...claims, roles: ['HsmVault.Operator'] })}.${s}`)); }],
    ['signature stripped', () => { const [h, p] = admin.split('.'); return getKey(bearer(`${h}.${p}.`)); }],
    ['signature of another token', async () => {
      const other = (await fetchToken(env.tenant, env.noAccess.id, env.noAccess.secret)).token;
      const [h, p] = admin.split('.');
      return getKey(bearer(`${h}.${p}.${other.split('.')[2]}`));
    }],
    ['expired (10 min ago, beyond the clock skew)', () => getKey(bearer(real(good({ exp: now() - 600, nbf: now() - 4000, iat: now() - 4000 }))))],
    ['not yet valid (nbf in 10 min)', () => getKey(bearer(real(good({ nbf: now() + 600 }))))],
    ['no exp claim', () => { const c = good(); delete c.exp; return getKey(bearer(real(c))); }],
    ['wrong issuer host', () => getKey(bearer(real(good({ iss: iss.replace('https://localhost', 'https://evil.example') }))))],
    ['Entra v1 issuer form (not issued by this identity provider)', () => getKey(bearer(real(good({ iss: `https://sts.windows.net/${env.tenant}/` }))))],
    ['issuer of another tenant with this tenant\'s tid', () => getKey(bearer(real(good({ iss: iss.replace(env.tenant, env.tenant2) }))))],
    ['wrong audience', () => getKey(bearer(real(good({ aud: 'https://storage.azure.com' }))))],
    ['no audience', () => { const c = good(); delete c.aud; return getKey(bearer(real(c))); }],
    ['audience list without the vault', () => getKey(bearer(real(good({ aud: ['https://management.azure.com', 'https://graph.microsoft.com'] }))))],
    ['unknown tenant (tid and issuer consistent, real key)', () => {
      const t = '33333333-3333-4333-8333-333333333333';
      return getKey(bearer(real(good({ tid: t, iss: iss.replace(env.tenant, t) }))));
    }],
    ['tid of the other (trusted) tenant with this tenant\'s issuer', () => getKey(bearer(real(good({ tid: env.tenant2 }))))],
    ['missing tid', () => { const c = good(); delete c.tid; return getKey(bearer(real(c))); }],
    ['missing oid', () => { const c = good(); delete c.oid; return getKey(bearer(real(c))); }],
    ['empty oid', () => getKey(bearer(real(good({ oid: '' }))))],
    ['huge token (about 27 KiB, over the 16 KiB limit)', () => getKey(bearer(real(good({ pad: 'x'.repeat(20_000) }))))],
    ['token of vault A\'s tenant on vault B (other tenant)', () => onVault(vaultB, 'GET', '/keys', { token: admin })],
    ['token of tenant 2 on the default vault (tenant 1)', async () => onVault('default', 'GET', '/keys', { token: await tokenFor(env.t2app) })],
    ['management API without a token', () => request('GET', `/management/vaults?api-version=${MGMT_API}`)],
    ['management API with a tenant-2 token carrying the operator role', async () => mgmt('GET', 'vaults', { as: env.t2app })],
    ['management API with the operator role forged into a re-signed-by-attacker token', () =>
      mgmt('GET', 'vaults', { token: forgedRs256(good({ roles: ['HsmVault.Operator'] }), kid) })],
    ['management API with alg=none and the operator role', () => mgmt('GET', 'vaults', { token: unsigned(good({ roles: ['HsmVault.Operator'] })) })],
  ];
  for (const [name, send] of cases) it(`401: ${name}`, async () => is401(await send()));

  const denied = [
    ['principal with no access policy', async () => getKey(bearer(await tokenFor(env.noAccess)))],
    ['disabled vault', () => onVault(disabled, 'GET', '/keys', { token: admin })],
    ['management API without the operator role (vault admin)', () => mgmt('GET', 'vaults', { token: admin })],
    ['management API without the operator role: create a vault', () => mgmt('PUT', `vaults/${vaultName('no')}`, { token: admin, body: { properties: {} } })],
    ['management API without the operator role: grant itself', () => mgmt('PUT', `vaults/default/accessPolicies/${env.app.oid}`, { as: env.app, body: { permissions: { keys: ['all'] } } })],
    ['key-scoped grant used on another key', async () => {
      await grant('default', env.app.oid, { key: keyName, keys: ['get'] });
      return request('GET', `/keys/other-${keyName}?api-version=7.4`, { headers: bearer(await tokenFor(env.app)) });
    }],
    ['key-scoped grant used for another operation', async () => request('POST', `/keys/${keyName}/${keyVersion}/sign?api-version=7.4`,
      { headers: bearer(await tokenFor(env.app)), body: { alg: 'ES256', value: crypto.createHash('sha256').update('x').digest('base64url') } })],
    ['compound entry for another application', async () => {
      await grant('default', env.member.oid, { keys: ['get'], applicationId: 'some-other-app' });
      return getKey(bearer(await tokenFor(env.member)));
    }],
    ['revoked principal', async () => {
      await grant('default', env.noAccessOid, { keys: ['get'] });
      const t = await tokenFor(env.noAccess);
      assert.equal((await getKey(bearer(t))).status, 200);
      assert.equal((await revoke('default', env.noAccessOid)).status, 200);
      return getKey(bearer(t));
    }],
    ['revoked key-scoped grant', async () => {
      assert.equal((await revoke('default', env.app.oid, { key: keyName })).status, 200);
      return getKey(bearer(await tokenFor(env.app)));
    }],
  ];
  for (const [name, send] of denied) it(`403: ${name}`, async () => is403(await send()));
});
