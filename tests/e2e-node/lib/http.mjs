// Raw HTTPS requests for tests that must see exactly what the vault answers.
// node:https with an explicit `ca`, so the tests do not depend on NODE_EXTRA_CA_CERTS being honoured.
import https from 'node:https';
import tls from 'node:tls';
import { env } from './env.mjs';

/**
 * request(method, pathOrUrl, { headers, body, vault, base, agent }) -> { status, headers, text, json }
 * vault: send to https://{vault}.localhost:{port} (resolved to loopback here, so no DNS set-up is needed);
 * base: another instance's base URL (default env.url); agent: an https.Agent of the caller's (e.g. bound to another source address).
 */
export function request(method, pathOrUrl, { headers = {}, body, vault, base, agent } = {}) {
  const url = new URL(pathOrUrl, (base ?? env.url) + '/');
  if (vault) url.hostname = `${vault}.${url.hostname}`;
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const h = { ...headers };
  if (payload !== undefined) {
    h['content-length'] = Buffer.byteLength(payload);
    h['content-type'] ??= 'application/json';
  }
  let responded = false;
  return new Promise((resolve, reject) => {
    const options = { method, headers: h, ca: env.ca, timeout: 30_000 };
    if (agent) options.agent = agent;
    if (vault) {
      options.lookup = loopbackLookup;
      options.checkServerIdentity = wildcardIdentity;
    }
    const req = https.request(url, options, (res) => {
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

/** dns.lookup that answers loopback for every name, as RFC 6761 asks for *.localhost (glibc does not). */
export const loopbackLookup = (_host, opts, cb) => (opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));

/**
 * An https.Agent for an SDK client of another vault (pipeline option `agent`): {vault}.localhost resolves to loopback
 * and the wildcard certificate is accepted, as in request().
 */
export function vaultAgent() {
  return new https.Agent({
    keepAlive: true, ca: env.ca, checkServerIdentity: wildcardIdentity,
    lookup: (_host, opts, cb) => (opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
  });
}

/**
 * RFC 6125 wildcard matching: the certificate's *.localhost covers {vault}.localhost. Node itself refuses wildcards
 * directly under a single-label name, so vault hosts under "localhost" need this in tests; TLS trust is still checked.
 */
export function wildcardIdentity(host, cert) {
  const [label, ...rest] = host.split('.');
  const names = (cert.subjectaltname ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());
  if (label && !label.includes('*') && names.includes(`*.${rest.join('.')}`.toLowerCase())) return undefined;
  return tls.checkServerIdentity(host, cert);
}

/** A short description of a response for assertion messages. */
export const show = (r) => `${r.status} ${r.text.slice(0, 400)}`;
