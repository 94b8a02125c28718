// Helpers for identity-and-access tests: tokens per principal, the management API, requests to a vault's host.
import { env } from './env.mjs';
import { request } from './http.mjs';
import { fetchToken } from './credential.mjs';

export const MGMT_API = '2024-11-01';
const tokens = new Map();

/** A cached token for a principal ({ id, secret, tenant? }). */
export async function tokenFor(p) {
  const key = `${p.tenant ?? env.tenant}/${p.id}`;
  const hit = tokens.get(key);
  if (hit && hit.expiresOnTimestamp - 60_000 > Date.now()) return hit.token;
  const t = await fetchToken(p.tenant ?? env.tenant, p.id, p.secret);
  tokens.set(key, t);
  return t.token;
}

const auth = (token) => (token ? { authorization: `Bearer ${token}` } : {});

/** Management API call as the operator (or as `as`, a principal, or `token`). */
export async function mgmt(method, path, { body, as = env.operator, token, base } = {}) {
  const t = token ?? (as ? await tokenFor(as) : undefined);
  const sep = path.includes('?') ? '&' : '?';
  return request(method, `/management/${path}${sep}api-version=${MGMT_API}`, { body, base, headers: auth(t) });
}

/** Data-plane call on a vault's host name as a principal. */
export async function onVault(vault, method, path, { as, token, body, base, apiVersion = '7.4' } = {}) {
  const t = token ?? (as ? await tokenFor(as) : undefined);
  const sep = path.includes('?') ? '&' : '?';
  return request(method, `${path}${sep}api-version=${apiVersion}`, { vault, base, body, headers: auth(t) });
}

export async function createVault(name, { tenant = env.tenant, policies } = {}) {
  const r = await mgmt('PUT', `vaults/${name}`, { body: { properties: { tenantId: tenant, accessPolicies: policies } } });
  if (r.status !== 201) throw new Error(`create vault ${name}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

export async function grant(vault, objectId, { keys = [], secrets = [], key, applicationId } = {}) {
  const q = key ? `?key=${encodeURIComponent(key)}` : '';
  const r = await mgmt('PUT', `vaults/${vault}/accessPolicies/${objectId}${q}`, { body: { applicationId, permissions: { keys, secrets } } });
  if (r.status !== 200) throw new Error(`grant on ${vault}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

export async function revoke(vault, objectId, { key, base } = {}) {
  const q = key ? `?key=${encodeURIComponent(key)}` : '';
  return mgmt('DELETE', `vaults/${vault}/accessPolicies/${objectId}${q}`, { base });
}

/** Vault names are 3-24 chars: a short prefix plus a run-unique suffix. */
export const vaultName = (prefix) => `${prefix}-${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}`;
