// Raw HTTPS requests for tests that must see exactly what the vault answers.
// node:https with an explicit `ca`, so the tests do not depend on NODE_EXTRA_CA_CERTS being honoured.
import https from 'node:https';
import { env } from './env.mjs';

/** request(method, pathOrUrl, { headers, body }) -> { status, headers, text, json } */
export function request(method, pathOrUrl, { headers = {}, body } = {}) {
  const url = new URL(pathOrUrl, env.url + '/');
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const h = { ...headers };
  if (payload !== undefined) {
    h['content-length'] = Buffer.byteLength(payload);
    h['content-type'] ??= 'application/json';
  }
  let responded = false;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers: h, ca: env.ca, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    // A server may answer an oversized body early and close the connection: once a response has
    // arrived, a later write error (EPIPE/ECONNRESET) is not the result.
    req.on('response', () => { responded = true; });
    req.on('error', (e) => { if (!responded) reject(e); });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A short description of a response for assertion messages. */
export const show = (r) => `${r.status} ${r.text.slice(0, 400)}`;
