// A TokenCredential (the @azure/core-auth interface) that gets client-credentials tokens from the
// standalone host's dev identity provider, cached until shortly before they expire.
import { request } from './http.mjs';
import { env, VAULT_SCOPE } from './env.mjs';

export class DevClientCredential {
  #clientId; #secret; #tenant; #cache = new Map();

  constructor({ id, secret }, tenant = env.tenant) {
    this.#clientId = id; this.#secret = secret; this.#tenant = tenant;
  }

  async getToken(scopes, options = {}) {
    const scope = [scopes].flat().join(' ');
    // The SDK passes the tenant it read from the 401 challenge; a mismatch means a broken challenge.
    if (options.tenantId && options.tenantId !== this.#tenant) {
      throw new Error(`challenge named tenant ${options.tenantId}, expected ${this.#tenant}`);
    }
    const hit = this.#cache.get(scope);
    if (hit && hit.expiresOnTimestamp - 60_000 > Date.now()) return hit;
    const token = await fetchToken(this.#tenant, this.#clientId, this.#secret, scope);
    this.#cache.set(scope, token);
    return token;
  }
}

export async function fetchToken(tenant, clientId, secret, scope = VAULT_SCOPE) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }).toString();
  const r = await request('POST', `/${tenant}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
  if (r.status !== 200 || !r.json?.access_token) throw new Error(`token endpoint: ${r.status} ${r.text.slice(0, 300)}`);
  return { token: r.json.access_token, expiresOnTimestamp: Date.now() + Number(r.json.expires_in) * 1000, tokenType: 'Bearer' };
}

export const adminCredential = () => new DevClientCredential(env.admin);
