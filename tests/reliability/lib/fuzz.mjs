// A seeded request fuzzer: valid requests for every route, then mutated (paths, methods, query strings, headers, JSON
// bodies, base64url values). Deterministic for a seed: the same seed sends the same requests in the same order.
import tls from 'node:tls';

/** mulberry32: small, seeded, good enough to pick mutations. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');

/** Valid requests for every route, given the objects made beforehand. */
export function corpus(ctx) {
  const { ec, rsa, oct, secret, appOid } = ctx;
  const v = 'api-version=7.6', m = 'api-version=2024-11-01';
  const d32 = b64u(Buffer.alloc(32, 7));
  return [
    { method: 'POST', path: `/keys/fz-new/create?${v}`, body: { kty: 'EC', crv: 'P-256', key_ops: ['sign', 'verify'], attributes: { enabled: true }, tags: { a: 'b' } } },
    { method: 'POST', path: `/keys/fz-oct/create?${v}`, body: { kty: 'oct-HSM', key_size: 256 } },
    { method: 'PUT', path: `/keys/fz-imp?${v}`, body: { key: { kty: 'oct', k: b64u(Buffer.alloc(32, 1)), key_ops: ['encrypt', 'decrypt'] } } },
    { method: 'PUT', path: `/keys/fz-imp-ec?${v}`, body: { key: ctx.ecJwk } },
    { method: 'GET', path: `/keys/${ec.name}?${v}` },
    { method: 'GET', path: `/keys/${ec.name}/${ec.version}?${v}` },
    { method: 'GET', path: `/keys?${v}&maxresults=5` },
    { method: 'GET', path: `/keys/${ec.name}/versions?${v}&maxresults=2` },
    { method: 'PATCH', path: `/keys/${oct.name}/${oct.version}?${v}`, body: { attributes: { exp: 4102444800 }, tags: { t: '1' } } },
    { method: 'POST', path: `/keys/${ec.name}/${ec.version}/sign?${v}`, body: { alg: 'ES256', value: d32 } },
    { method: 'POST', path: `/keys/${ec.name}/${ec.version}/verify?${v}`, body: { alg: 'ES256', digest: d32, value: b64u(Buffer.alloc(64, 1)) } },
    { method: 'POST', path: `/keys/${rsa.name}/${rsa.version}/sign?${v}`, body: { alg: 'PS256', value: d32 } },
    { method: 'POST', path: `/keys/${rsa.name}/${rsa.version}/encrypt?${v}`, body: { alg: 'RSA-OAEP-256', value: b64u('hello') } },
    { method: 'POST', path: `/keys/${rsa.name}/${rsa.version}/decrypt?${v}`, body: { alg: 'RSA-OAEP', value: b64u(Buffer.alloc(256, 3)) } },
    { method: 'POST', path: `/keys/${rsa.name}/${rsa.version}/wrapkey?${v}`, body: { alg: 'RSA1_5', value: b64u(Buffer.alloc(32, 9)) } },
    { method: 'POST', path: `/keys/${oct.name}/${oct.version}/encrypt?${v}`, body: { alg: 'A256GCM', value: b64u('x'), iv: b64u(Buffer.alloc(12)), aad: b64u('a') } },
    { method: 'POST', path: `/keys/${oct.name}/${oct.version}/decrypt?${v}`, body: { alg: 'A256GCM', value: b64u('x'), iv: b64u(Buffer.alloc(12)), tag: b64u(Buffer.alloc(16)) } },
    { method: 'POST', path: `/keys/${oct.name}/${oct.version}/encrypt?${v}`, body: { alg: 'A256CBCPAD', value: b64u('x'), iv: b64u(Buffer.alloc(16)) } },
    { method: 'POST', path: `/keys/${oct.name}/${oct.version}/wrapkey?${v}`, body: { alg: 'A256KW', value: b64u(Buffer.alloc(16, 2)) } },
    { method: 'POST', path: `/keys/${oct.name}/${oct.version}/unwrapkey?${v}`, body: { alg: 'A256KW', value: b64u(Buffer.alloc(24, 2)) } },
    { method: 'POST', path: `/rng?${v}`, body: { count: 16 } },
    { method: 'PUT', path: `/secrets/fz-secret?${v}`, body: { value: 'fuzz', contentType: 'text/plain', attributes: { enabled: true }, tags: { x: 'y' } } },
    { method: 'GET', path: `/secrets/${secret.name}?${v}` },
    { method: 'GET', path: `/secrets/${secret.name}/${secret.version}?${v}` },
    { method: 'GET', path: `/secrets?${v}&maxresults=3` },
    { method: 'GET', path: `/secrets/${secret.name}/versions?${v}` },
    { method: 'PATCH', path: `/secrets/${secret.name}/${secret.version}?${v}`, body: { contentType: 'a', attributes: { nbf: 1 } } },
    { method: 'GET', path: `/management/vaults?${m}`, operator: true },
    { method: 'GET', path: `/management/vaults/default?${m}`, operator: true },
    { method: 'PUT', path: `/management/vaults/fuzzvault?${m}`, operator: true, body: { tags: { a: 'b' }, properties: { tenantId: ctx.tenant, softDeleteRetentionInDays: 90 } } },
    { method: 'PATCH', path: `/management/vaults/fuzzvault?${m}`, operator: true, body: { properties: { enabled: true } } },
    { method: 'GET', path: `/management/vaults/default/accessPolicies?${m}`, operator: true },
    { method: 'PUT', path: `/management/vaults/default/accessPolicies/${appOid}?key=fz-*&${m}`, operator: true, body: { permissions: { keys: ['get'] } } },
    { method: 'DELETE', path: `/management/vaults/default/accessPolicies/${appOid}?key=fz-*&${m}`, operator: true },
    { method: 'DELETE', path: `/keys/fz-del?${v}` },
    { method: 'GET', path: `/deletedkeys?${v}&maxresults=5` },
    { method: 'GET', path: `/deletedkeys/fz-del?${v}` },
    { method: 'POST', path: `/deletedkeys/fz-del/recover?${v}` },
    { method: 'DELETE', path: `/deletedkeys/fz-del?${v}` },
    { method: 'POST', path: `/keys/${ec.name}/backup?${v}` },
    { method: 'POST', path: `/keys/restore?${v}`, body: { value: ctx.keyBackup } },
    { method: 'POST', path: `/keys/${oct.name}/rotate?${v}` },
    { method: 'GET', path: `/keys/${oct.name}/rotationpolicy?${v}` },
    { method: 'PUT', path: `/keys/${oct.name}/rotationpolicy?${v}`, body: { lifetimeActions: [{ trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } }], attributes: { expiryTime: 'P2Y' } } },
    { method: 'PUT', path: `/keys/fz-byok?${v}`, body: { key: { kty: 'EC-HSM', crv: 'P-256', kid: `https://${ctx.host}/keys/fz-kek/0123456789abcdef0123456789abcdef`, key_hsm: b64u(JSON.stringify({ schema_version: '1.0.0', header: { kid: 'x', alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' }, ciphertext: b64u(Buffer.alloc(64, 5)) })) } } },
    { method: 'DELETE', path: `/secrets/fz-sdel?${v}` },
    { method: 'GET', path: `/deletedsecrets?${v}` },
    { method: 'GET', path: `/deletedsecrets/fz-sdel?${v}` },
    { method: 'POST', path: `/deletedsecrets/fz-sdel/recover?${v}` },
    { method: 'DELETE', path: `/deletedsecrets/fz-sdel?${v}` },
    { method: 'POST', path: `/secrets/${secret.name}/backup?${v}` },
    { method: 'POST', path: `/secrets/restore?${v}`, body: { value: ctx.secretBackup } },
    { method: 'DELETE', path: `/management/vaults/fuzzvault?${m}`, operator: true },
    { method: 'GET', path: `/management/deletedVaults?${m}`, operator: true },
    { method: 'GET', path: `/management/deletedVaults/fuzzvault?${m}`, operator: true },
    { method: 'POST', path: `/management/deletedVaults/fuzzvault/recover?${m}`, operator: true },
    { method: 'POST', path: `/management/deletedVaults/fuzzvault/purge?${m}`, operator: true },
    { method: 'GET', path: `/management/audit/signing-key?${m}`, operator: true },
    { method: 'GET', path: `/management/audit/vaults/default/records?${m}&from=2026-01-01T00:00:00Z&maxresults=5`, operator: true },
    { method: 'GET', path: `/management/audit/vaults/default/usage?${m}`, operator: true },
    { method: 'GET', path: `/management/audit/vaults/default/export?${m}`, operator: true },
    { method: 'POST', path: `/${ctx.tenant}/oauth2/v2.0/token`, form: 'grant_type=client_credentials&client_id=nobody&client_secret=x&scope=https%3A%2F%2Flocalhost%2F.default' },
    { method: 'GET', path: `/${ctx.tenant}/v2.0/.well-known/openid-configuration` },
    { method: 'GET', path: `/portal/` },
  ];
}

const WEIRD = ['', ' ', '%00', '%ff', '%2e%2e', '..', '.', '%2F', '\u00e9', '\ud83d\ude00', 'a'.repeat(300), '%', '%zz', '~', '*', '$', '{name}',
  'cur!x', 'ver!a!b', "'", '"', '<', '>', '\\', ';', '0'.repeat(40), 'ffffffffffffffffffffffffffffffff', 'x/../../keys',
  '%c3%28', '%ed%a0%80', '%f8%88%80%80%80', '%c0%af', 'management', 'deletedkeys', 'restore'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'X'.repeat(20)];
const API_VERSIONS = ['7.6', '7.0', '2025-07-01', '2026-04-01', '', '7', '7.99', 'latest', '7.6&api-version=7.5', '%00', '9'.repeat(50), '2024-11-01'];

function mutateJson(r, value, depth = 0) {
  if (depth > 3 || !r.chance(0.7)) return value;
  if (value === null || typeof value !== 'object') {
    return r.pick([
      null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 1.5, '', ' ', 'x'.repeat(r.int(70_000)), [], {}, [value], String(value),
      '====', 'AA==', '+/+/', 'A', 'AAA', '\u0000', '\ud800', 'ä', `${value}=`, `${value} `, ' ' + value, 123456789012345678901234567890,
      // base64url edge cases: padding, the standard alphabet, whitespace, lengths that are not a whole number of bytes
      '-_-_', 'AAAA\n', 'AA AA', 'A'.repeat(4097), 'AB', 'ABC=', '=AAA', '%41%41', `${value}`.replace(/[A-Za-z]/g, '-'),
      Buffer.alloc(2048, 0xff).toString('base64url'), 'eyJ9', 'e30', Buffer.from('{"kty":"EC"}').toString('base64url'),
    ]);
  }
  if (Array.isArray(value)) {
    const out = value.map((x) => mutateJson(r, x, depth + 1));
    if (r.chance(0.2)) out.push(r.pick([null, 'sign', 1, {}, 'x'.repeat(1000)]));
    if (r.chance(0.1)) return Array.from({ length: 2000 }, () => 'sign');
    return out;
  }
  const out = {};
  for (const [k, x] of Object.entries(value)) {
    if (r.chance(0.15)) continue;                       // drop a property
    out[r.chance(0.05) ? k.toUpperCase() : k] = mutateJson(r, x, depth + 1);
  }
  if (r.chance(0.2)) out[r.pick(['extra', 'kty', 'alg', 'value', '__proto__', 'constructor', ''])] = r.pick([1, 'x', null, {}, []]);
  return out;
}

function bodyBytes(r, body) {
  let text = JSON.stringify(mutateJson(r, body));
  switch (r.int(14)) {
    case 0: return Buffer.from(text.slice(0, r.int(text.length + 1)));                  // truncated
    case 1: return Buffer.from('['.repeat(5000) + ']'.repeat(5000));                      // deep nesting
    case 2: return Buffer.from('{"a":'.repeat(3000) + '1' + '}'.repeat(3000));
    case 3: return Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('}')]); // invalid UTF-8
    case 4: return Buffer.from(text.replace(/^\{/, '{"alg":"ES256","alg":"RS256","value":"x","value":"y",'));                // duplicate keys
    case 5: return Buffer.from('');
    case 6: return Buffer.from('null');
    case 7: return Buffer.from(`{"value":${'9'.repeat(400)}}`);
    case 8: return Buffer.from(text + text);
    case 9: return Buffer.from('\ufeff' + text);
    default: return Buffer.from(text);
  }
}

/** One mutated request: { method, path, headers, body(Buffer|undefined), raw?: Buffer (sent as-is) }. */
export function mutate(r, base, ctx, tokens) {
  const req = { ...r.pick(corpus(ctx)) };
  let method = req.method, path = req.path;
  const headers = { host: ctx.host };
  const token = req.operator ? tokens.operator : tokens.admin;
  headers.authorization = `Bearer ${token}`;
  let body = req.body !== undefined ? Buffer.from(JSON.stringify(req.body)) : req.form ? Buffer.from(req.form) : undefined;
  if (body) headers['content-type'] = req.form ? 'application/x-www-form-urlencoded' : 'application/json';
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    switch (r.int(10)) {
      case 0: method = r.pick(METHODS); break;
      case 1: { // path segments
        const [p, q = ''] = path.split('?');
        const segs = p.split('/');
        const at = 1 + r.int(Math.max(1, segs.length - 1));
        if (r.chance(0.5)) segs[at] = r.pick(WEIRD); else segs.splice(at, 0, r.pick(WEIRD));
        path = segs.join('/') + (q ? `?${q}` : '');
        break;
      }
      case 2: { // query string
        const [p, q = ''] = path.split('?');
        const params = q.split('&').filter(Boolean);
        const choice = r.int(5);
        if (choice === 0) path = p;
        else if (choice === 1) path = `${p}?api-version=${r.pick(API_VERSIONS)}`;
        else if (choice === 2) path = `${p}?${params.join('&')}&maxresults=${r.pick(['0', '-1', '26', '99999999999999', 'x', ''])}`;
        else if (choice === 3) path = `${p}?${params.join('&')}&$skiptoken=${r.pick(['x', '%00', 'e30', 'a'.repeat(5000), ''])}`;
        else path = `${p}?${params.join('&')}&${r.pick(WEIRD)}=${r.pick(WEIRD)}`;
        break;
      }
      case 3: headers.host = r.pick(['', 'evil.example', `nope.${ctx.host}`, `fuzzvault.${ctx.host}`, `default.${ctx.host}`, `${'a'.repeat(300)}.${ctx.host}`, `-.${ctx.host}`, `${ctx.host}:1`, '[::1]', `UPPER.${ctx.host}`, `\u00ff\u00fe.${ctx.host}`, `${ctx.host}\u0000`, `a b.${ctx.host}`]); break;
      case 4: {
        const c = r.int(7);
        if (c === 0) delete headers.authorization;
        else if (c === 1) headers.authorization = r.pick(['Bearer', 'Bearer ', 'Basic YTpi', 'bearer ' + token, 'Bearer a.b.c', 'Bearer ' + 'x'.repeat(9000)]);
        else if (c === 2) headers.authorization = `Bearer ${token.slice(0, r.int(token.length))}`;
        else if (c === 3) { const [h, p, s] = token.split('.'); headers.authorization = `Bearer ${h}.${b64u('{"oid":1,"exp":"x"')}.${s}`; }
        else if (c === 4) { const [, p, s] = token.split('.'); headers.authorization = `Bearer ${b64u('{"alg":"none","kid":[]}')}.${p}.${s}`; }
        else if (c === 5) headers.authorization = `Bearer ${token}.${token}`;
        else headers.authorization = `Bearer ${token.replace(/[A-Za-z]/, '!')}`;
        break;
      }
      case 5: headers['content-type'] = r.pick(['text/plain', 'application/json; charset=utf-16', 'application/xml', '', 'multipart/form-data; boundary=x', 'application/json;;;']); break;
      case 6: case 7: case 8: if (req.body !== undefined) body = bodyBytes(r, req.body); break;
      default: headers[r.pick(['x-ms-client-request-id', 'user-agent', 'accept', 'x-forwarded-host'])] = r.pick(['', 'x'.repeat(5000), '\u00ff', 'id-1', '\u00c3\u0028', 'evil.example']); break;
    }
  }
  // Content-Length that lies, or a chunked body: sent over a raw socket.
  const lie = body && r.chance(0.04) ? r.pick(['short', 'long', 'chunked', 'negative', 'double', 'huge']) : null;
  return { method, path, headers, body, lie };
}

// Fuzzed requests come from their own loopback address: their bad tokens spend that address's failed-authentication budget,
// not the one of 127.0.0.1, where the checks before and after the run get (new) tokens and use them.
const FUZZ_SOURCE = '127.0.0.2';

/** Sends over TLS exactly what `m` says (including a lying Content-Length); resolves { status, headers, ms } or a failure. */
export function send(port, ca, m, timeoutMs) {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false, buf = Buffer.alloc(0);
    const finish = (r) => { if (!done) { done = true; clearTimeout(timer); socket.destroy(); resolve({ ...r, ms: Date.now() - started }); } };
    const socket = tls.connect({ host: '127.0.0.1', localAddress: FUZZ_SOURCE, port, ca, servername: 'localhost', rejectUnauthorized: false }, () => {
      const lines = [`${m.method} ${m.path} HTTP/1.1`];
      for (const [k, v] of Object.entries(m.headers)) lines.push(`${k}: ${String(v).replace(/[\r\n]/g, '')}`);
      const body = m.body ?? Buffer.alloc(0);
      if (m.lie === 'chunked') lines.push('transfer-encoding: chunked');
      else if (m.lie === 'short') lines.push(`content-length: ${Math.max(0, body.length - 5)}`);
      else if (m.lie === 'long') lines.push(`content-length: ${body.length + 100}`);
      else if (m.lie === 'negative') lines.push('content-length: -1');
      else if (m.lie === 'double') lines.push(`content-length: ${body.length}`, `content-length: ${body.length + 1}`);
      else if (m.lie === 'huge') lines.push('content-length: 99999999999999999999');
      else if (m.body) lines.push(`content-length: ${body.length}`);
      lines.push('connection: close', '', '');
      socket.write(Buffer.from(lines.join('\r\n'), 'latin1'));
      if (m.lie === 'chunked') socket.write(Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]));
      else if (m.lie === 'long') { socket.write(body); setTimeout(() => socket.end(), 50); } // the server waits for bytes that never come
      else socket.write(body);
    });
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      const text = buf.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head < 0) return;
      const status = Number(text.slice(9, 12));
      const headers = Object.fromEntries(text.slice(0, head).split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const len = Number(headers['content-length'] ?? NaN);
      if (m.method.toUpperCase() === 'HEAD' || status === 204 || status === 304 || (Number.isFinite(len) && buf.length - head - 4 >= len) || headers['transfer-encoding'])
        finish({ status, headers, text: buf.slice(head + 4).toString('utf8') });
    });
    socket.on('end', () => {
      const text = buf.toString('latin1');
      if (text.startsWith('HTTP/1.1 ')) finish({ status: Number(text.slice(9, 12)), headers: {}, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
      else finish({ status: 0, error: 'closed without an answer' });
    });
    socket.on('error', (e) => finish({ status: 0, error: e.message }));
    const timer = setTimeout(() => finish({ status: 0, error: `no answer within ${timeoutMs} ms`, hang: true }), timeoutMs);
  });
}
