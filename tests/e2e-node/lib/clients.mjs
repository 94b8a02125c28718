// SDK clients as an app developer would build them, plus helpers shared by the test files.
import { randomBytes } from 'node:crypto';
import { KeyClient, CryptographyClient } from '@azure/keyvault-keys';
import { env, VAULT_SCOPE } from './env.mjs';
import { adminCredential } from './credential.mjs';
import { request } from './http.mjs';

const options = { disableChallengeResourceVerification: true };
let credential;
const cred = () => (credential ??= adminCredential());

export const keyClient = () => new KeyClient(env.url, cred(), options);
/** keyOrId: a KeyVaultKey (SDK may do public-key operations locally) or a key id string. */
export const cryptoClient = (keyOrId) => new CryptographyClient(keyOrId, cred(), options);

/** A key name unique to this run: Key Vault names allow [0-9a-zA-Z-]. */
export const uniqueName = (prefix) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** Authenticated raw request as the admin principal. */
export async function adminRequest(method, path, opts = {}) {
  const { token } = await cred().getToken(VAULT_SCOPE);
  return request(method, path, { ...opts, headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) } });
}

/** Fails fast (before any SDK retries) when the host is not reachable. */
export async function hostIsUp() {
  await request('GET', `/${env.tenant}/v2.0/.well-known/openid-configuration`);
}

export const b64u = (buf) => Buffer.from(buf).toString('base64url');
export const fromB64u = (s) => Buffer.from(s, 'base64url');
