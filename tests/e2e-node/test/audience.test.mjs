// Red-team case of issue #13, finding 5: the vault's audience is its own. A token for Azure Key Vault
// (aud https://vault.azure.net) was accepted here, so a token sent to this vault opened the caller's real Key Vaults and vice
// versa. The primary test host serves only the default audience; the second instance is configured with
// HsmVault__Auth__Audiences__1=https://vault.azure.net (infra/local/start-test-host.sh), an operator's explicit choice.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { KeyClient } from '@azure/keyvault-keys';
import { env, AUDIENCE, VAULT_SCOPE } from '../lib/env.mjs';
import { request, show, loopbackLookup, wildcardIdentity } from '../lib/http.mjs';
import { adminCredential, fetchToken } from '../lib/credential.mjs';
import { payloadOf, headerOf, signedByIdp } from '../lib/jwt.mjs';

const KEY_VAULT = 'https://vault.azure.net';
const now = () => Math.floor(Date.now() / 1000);
const listKeys = (token, base) => request('GET', '/keys?api-version=7.4', { headers: { authorization: `Bearer ${token}` }, base });

describe('red team: the audience is the deployment\'s own (finding 5)', () => {
  let admin, forKeyVault;
  before(async () => {
    admin = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
    // The admin's own token, re-signed with the identity provider's real key for Azure Key Vault's audience: only aud differs.
    forKeyVault = signedByIdp(env.signingKeyPem, headerOf(admin).kid,
      { ...payloadOf(admin), aud: KEY_VAULT, iat: now() - 10, nbf: now() - 10, exp: now() + 3600 });
  });

  it('the default audience is not Azure Key Vault\'s, and the 401 challenge names it', async () => {
    assert.notEqual(AUDIENCE.replace(/\/$/, ''), KEY_VAULT);
    assert.equal(payloadOf(admin).aud, AUDIENCE);
    const r = await request('GET', '/keys?api-version=7.4');
    assert.equal(r.status, 401, show(r));
    assert.equal(r.headers['www-authenticate'], `Bearer authorization="${env.url}/${env.tenant}", resource="${AUDIENCE}"`);
  });

  it('a token for https://vault.azure.net is refused 401 by default', async () => {
    assert.equal((await listKeys(admin)).status, 200, 'the same claims with the vault\'s audience are accepted');
    const r = await listKeys(forKeyVault);
    assert.equal(r.status, 401, show(r));
    assert.match(r.headers['www-authenticate'] ?? '', new RegExp(`resource="${AUDIENCE}"`));
  });

  it('the development identity provider issues no token for https://vault.azure.net, naming the right scope', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: env.admin.id, client_secret: env.admin.secret,
      scope: `${KEY_VAULT}/.default` }).toString();
    const r = await request('POST', `/${env.tenant}/oauth2/v2.0/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(r.status, 400, show(r));
    assert.equal(r.json.error, 'invalid_scope');
    assert.match(r.json.error_description, new RegExp(`ask for '${VAULT_SCOPE.replace(/[./]/g, '\\$&')}'`));
    assert.equal(r.json.access_token, undefined);
  });

  it('an operator who adds https://vault.azure.net gets it accepted; the challenge still names the first audience', async () => {
    const r = await listKeys(forKeyVault, env.urlB);
    assert.equal(r.status, 200, show(r));
    assert.equal((await listKeys(admin, env.urlB)).status, 200);
    const challenge = await request('GET', '/keys?api-version=7.4', { base: env.urlB });
    assert.equal(challenge.status, 401);
    assert.match(challenge.headers['www-authenticate'], new RegExp(`, resource="${AUDIENCE}"$`));
  });

  it('the official SDK, with challenge-resource verification on, accepts the challenge on a {vault}.localhost host', async () => {
    // The SDK checks that the vault host ends with "." + the challenge resource's host (default.localhost under
    // https://localhost). The agent only maps *.localhost to loopback and checks the *.localhost certificate (Node and glibc do neither).
    const agent = new https.Agent({ ca: env.ca, lookup: loopbackLookup, checkServerIdentity: wildcardIdentity });
    const url = new URL(env.url);
    const client = new KeyClient(`https://default.${url.hostname}:${url.port}`, adminCredential(), { agent, retryOptions: { maxRetries: 0 } });
    const page = await client.listPropertiesOfKeys().byPage({ maxPageSize: 1 }).next();
    assert.equal(page.done, false);
    assert.ok(Array.isArray(page.value));
  });
});
