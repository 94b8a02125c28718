// Raw HTTPS calls to a vault instance and direct reads of its Azurite tables, for fault tests.
import https from 'node:https';
import http from 'node:http';
import { createHmac, createHash, randomBytes } from 'node:crypto';
import { AZURITE_KEY } from './cluster.mjs';

export const API = 'api-version=7.6';
const agentFor = new Map();

/**
 * One request; resolves { status, headers, text, json, ms } or { status: 0, error } on a network failure or when no
 * answer came within timeoutMs (a hang). Never rejects.
 */
export function call(base, ca, method, path, { token, body, headers = {}, timeoutMs = 30_000, raw, servername } = {}) {
  const url = new URL(path, base + '/');
  const payload = raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (payload !== undefined) { h['content-type'] ??= 'application/json'; h['content-length'] ??= payload.length; }
  let agent = agentFor.get(base);
  if (!agent) agentFor.set(base, (agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca })));
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r) => { if (!done) { done = true; clearTimeout(timer); resolve({ ...r, ms: Date.now() - started }); } };
    const req = https.request(url, { method, headers: h, agent, ...(servername ? { servername } : {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json; try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        finish({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', (e) => finish({ status: 0, error: e.message }));
    });
    const timer = setTimeout(() => { req.destroy(); finish({ status: 0, error: `no answer within ${timeoutMs} ms`, hang: true }); }, timeoutMs);
    req.on('error', (e) => finish({ status: 0, error: e.message }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function token(base, ca, tenant, { id, secret }) {
  const body = Buffer.from(new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret,
    scope: 'https://localhost/.default' }).toString());
  for (let i = 0; i < 50; i++) {
    const r = await call(base, ca, 'POST', `/${tenant}/oauth2/v2.0/token`, { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (r.status === 200 && r.json?.access_token) return r.json.access_token;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('no token from the development identity provider');
}

export const digest = (s) => createHash('sha256').update(s).digest('base64url');
export const newName = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Every entity of a table (Azurite, SharedKeyLite), following continuation headers. */
export async function tableRows(tablesConnection, table) {
  const endpoint = tablesConnection.match(/TableEndpoint=([^;]+)/)[1].replace(/\/$/, '');
  const account = 'devstoreaccount1';
  const rows = [];
  let next = '';
  for (let page = 0; page < 10_000; page++) {
    const path = `/${account}/${table}()`;
    const url = new URL(endpoint.replace(`/${account}`, '') + path + (next ? `?${next}` : ''));
    const date = new Date().toUTCString();
    const sig = createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(`${date}\n/${account}${path}`).digest('base64');
    const res = await new Promise((resolve, reject) => {
      const req = http.request(url, { headers: { 'x-ms-date': date, 'x-ms-version': '2019-02-02', accept: 'application/json;odata=nometadata',
        authorization: `SharedKeyLite ${account}:${sig}` }, timeout: 30_000 }, (r) => {
        const chunks = []; r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error('table read timed out')));
      req.on('error', reject);
      req.end();
    });
    if (res.status === 404) return rows;
    if (res.status !== 200) throw new Error(`table ${table}: ${res.status} ${res.text.slice(0, 300)}`);
    rows.push(...JSON.parse(res.text).value);
    const pk = res.headers['x-ms-continuation-nextpartitionkey'], rk = res.headers['x-ms-continuation-nextrowkey'];
    if (!pk && !rk) return rows;
    next = new URLSearchParams({ ...(pk ? { NextPartitionKey: pk } : {}), ...(rk ? { NextRowKey: rk } : {}) }).toString();
  }
  throw new Error('too many pages');
}

/**
 * HSM key objects the vault made that no row references (orphans), and rows whose HSM key is gone (dangling), read from
 * outside the vault. The deployment's own keys (partition "(deployment)" of vaultkeys: the audit signing key) are not a
 * vault's and are left out on both sides.
 */
export async function orphansAndDangling(cluster) {
  const rows = (await tableRows(cluster.tables, 'e2ekeys')).concat(await tableRows(cluster.tables, 'e2evaultkeys'));
  const referenced = new Set(rows.filter((r) => r.HsmKeyId && !r.Abandoned && r.PartitionKey !== '(deployment)').map((r) => r.HsmKeyId));
  const objects = cluster.hsmKeyIds();
  return { orphans: [...objects.keys()].filter((id) => !referenced.has(id)), dangling: [...referenced].filter((id) => !objects.has(id)) };
}
