// Calls to the management plane (same origin) and a vault's data plane (its own host; CORS allows the portal's origin).
// Errors keep the vault's own code and message, so the page can show exactly what the vault said (a 403 names the permission).

export const MANAGEMENT_API = "2024-11-01";
export const DATA_API = "7.6";

export class ApiError extends Error {
  constructor(status, code, message, inner) {
    super(message);
    this.status = status;
    this.code = code;
    this.inner = inner;
  }
}

export function client(session, onUnauthorized) {
  async function call(url, { method = "GET", body, apiVersion = DATA_API } = {}) {
    const u = new URL(url, location.origin);
    if (!u.searchParams.has("api-version")) u.searchParams.set("api-version", apiVersion);
    let accessToken;
    try {
      accessToken = await session.token();
    } catch {
      onUnauthorized?.();
      throw new ApiError(401, "SignInRequired", "Your session has expired; sign in again.");
    }
    let response;
    try {
      response = await fetch(u, {
        method,
        cache: "no-store",
        credentials: "omit",
        headers: { Authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, "NetworkError", `The vault could not be reached (${e.message}).`);
    }
    const text = await response.text();
    const json = text ? safeJson(text) : null;
    if (!response.ok) {
      if (response.status === 401) onUnauthorized?.();
      const e = json?.error;
      throw new ApiError(response.status, e?.code ?? `HTTP${response.status}`, e?.message ?? `${response.status} ${response.statusText}`, e?.innererror?.code);
    }
    return json;
  }

  /** Every page of a Key Vault list (value + nextLink), bounded. */
  async function all(url, options) {
    const items = [];
    let next = url;
    for (let page = 0; next && page < 40; page++) {
      const body = await call(next, options);
      items.push(...(body?.value ?? []));
      next = body?.nextLink;
    }
    return items;
  }

  const m = (path) => `/management/vaults${path}`;
  const mg = { apiVersion: MANAGEMENT_API };
  return {
    call,
    listVaults: () => all(m(""), mg),
    getVault: (name) => call(m(`/${enc(name)}`), mg),
    putVault: (name, body) => call(m(`/${enc(name)}`), { ...mg, method: "PUT", body }),
    patchVault: (name, body) => call(m(`/${enc(name)}`), { ...mg, method: "PATCH", body }),
    deleteVault: (name) => call(m(`/${enc(name)}`), { ...mg, method: "DELETE" }),
    listDeletedVaults: () => all("/management/deletedVaults", mg),
    recoverVault: (name) => call(`/management/deletedVaults/${enc(name)}/recover`, { ...mg, method: "POST" }),
    purgeVault: (name) => call(`/management/deletedVaults/${enc(name)}/purge`, { ...mg, method: "POST" }),
    listPolicies: (vault) => all(m(`/${enc(vault)}/accessPolicies`), mg),
    putPolicy: (vault, objectId, key, body) =>
      call(m(`/${enc(vault)}/accessPolicies/${enc(objectId)}${key ? `?key=${enc(key)}` : ""}`), { ...mg, method: "PUT", body }),
    deletePolicy: (vault, objectId, key) =>
      call(m(`/${enc(vault)}/accessPolicies/${enc(objectId)}?key=${enc(key || "*")}`), { ...mg, method: "DELETE" }),
    // The auditor API (auditor or operator role): one page of records (follow nextLink with auditPage), usage aggregates.
    auditRecords: (vault, filters) => call(`/management/audit/vaults/${enc(vault)}/records?${query(filters)}`, mg),
    auditPage: (nextLink) => call(nextLink, mg),
    auditUsage: (vault, filters) => call(`/management/audit/vaults/${enc(vault)}/usage?${query(filters)}`, mg),
  };
}

/** Data-plane calls of one vault, at its base URI (https://{vault}.{suffix}[:port]/). */
export function vaultClient(api, baseUri) {
  const at = (path) => new URL(path, baseUri).toString();
  const all = async (path) => {
    const items = [];
    let next = at(path);
    for (let page = 0; next && page < 40; page++) {
      const body = await api.call(next);
      items.push(...(body?.value ?? []));
      next = body?.nextLink;
    }
    return items;
  };
  return {
    listKeys: () => all("keys?maxresults=25"),
    keyVersions: (name) => all(`keys/${enc(name)}/versions?maxresults=25`),
    getKey: (name, version) => api.call(at(`keys/${enc(name)}${version ? `/${enc(version)}` : ""}`)),
    importKey: (name, body) => api.call(at(`keys/${enc(name)}`), { method: "PUT", body }),
    createKey: (name, body) => api.call(at(`keys/${enc(name)}/create`), { method: "POST", body }),
    updateKey: (name, version, body) => api.call(at(`keys/${enc(name)}/${enc(version)}`), { method: "PATCH", body }),
    listSecrets: () => all("secrets?maxresults=25"),
    secretVersions: (name) => all(`secrets/${enc(name)}/versions?maxresults=25`),
    getSecret: (name, version) => api.call(at(`secrets/${enc(name)}${version ? `/${enc(version)}` : ""}`)),
    setSecret: (name, body) => api.call(at(`secrets/${enc(name)}`), { method: "PUT", body }),
    updateSecret: (name, version, body) => api.call(at(`secrets/${enc(name)}/${enc(version)}`), { method: "PATCH", body }),
    // Lifecycle: soft delete, recover, purge, backup/restore (keys and secrets alike), rotation (keys).
    lifecycle: (kind) => ({
      remove: (name) => api.call(at(`${kind}/${enc(name)}`), { method: "DELETE" }),
      listDeleted: () => all(`deleted${kind}?maxresults=25`),
      recover: (name) => api.call(at(`deleted${kind}/${enc(name)}/recover`), { method: "POST" }),
      purge: (name) => api.call(at(`deleted${kind}/${enc(name)}`), { method: "DELETE" }),
      backup: (name) => api.call(at(`${kind}/${enc(name)}/backup`), { method: "POST" }),
      restore: (value) => api.call(at(`${kind}/restore`), { method: "POST", body: { value } }),
    }),
    rotateKey: (name) => api.call(at(`keys/${enc(name)}/rotate`), { method: "POST" }),
    getRotationPolicy: (name) => api.call(at(`keys/${enc(name)}/rotationpolicy`)),
    setRotationPolicy: (name, body) => api.call(at(`keys/${enc(name)}/rotationpolicy`), { method: "PUT", body }),
  };
}

const enc = encodeURIComponent;

/** A query string of the given parameters that have a value. */
const query = (params) =>
  Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
