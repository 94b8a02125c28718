// OpenTelemetry export over OTLP/HTTP (protobuf): a spare instance of the standalone host, pointed at a tiny receiver on
// loopback, sends traces, metrics and logs; the raw protobuf bodies name the service's spans and metrics and contain no
// token, client secret, PIN, secret value or query value.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { hostIsUp, uniqueName, b64u } from '../lib/clients.mjs';
import { fetchToken } from '../lib/credential.mjs';
import { request, show } from '../lib/http.mjs';
import { env } from '../lib/env.mjs';
import { startSpareHost } from '../lib/spare-host.mjs';

/** Accepts POST /v1/traces, /v1/metrics and /v1/logs and keeps each body (decompressed) per signal. */
async function startReceiver() {
  const bodies = { traces: [], metrics: [], logs: [] };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const signal = /^\/v1\/(traces|metrics|logs)$/.exec(req.url)?.[1];
      if (req.method !== 'POST' || !signal) { res.writeHead(404).end(); return; }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      bodies[signal].push({ type: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { bodies, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const all = (list) => Buffer.concat(list.map((b) => b.body));

async function until(what, check, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (check()) return; await new Promise((r) => setTimeout(r, 200)); }
  assert.fail(`timed out waiting for ${what}`);
}

describe('OpenTelemetry export (OTLP/HTTP protobuf)', () => {
  let receiver, spare;
  before(async () => {
    await hostIsUp();
    receiver = await startReceiver();
    spare = await startSpareHost({ env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200', OTEL_METRIC_EXPORT_INTERVAL: '500',
    } });
  });
  after(async () => { await spare?.stop(); await receiver?.close(); });

  it('exports spans, metrics and logs, and never a token, secret, PIN or query value', { timeout: 120_000 }, async () => {
    const token = (await fetchToken(env.tenant, env.admin.id, env.admin.secret)).token;
    const correlation = `otlp-${randomBytes(8).toString('hex')}`;
    const headers = { authorization: `Bearer ${token}`, 'x-ms-client-request-id': correlation };
    const secretValue = `otlp-secret-${randomBytes(12).toString('hex')}`;
    const skiptoken = `skip${randomBytes(12).toString('hex')}`;
    const name = uniqueName('otlp');

    const set = await request('PUT', `/secrets/${name}?api-version=7.6`, { base: spare.url, headers, body: { value: secretValue } });
    assert.equal(set.status, 200, show(set));
    const got = await request('GET', `/secrets/${name}?api-version=7.6`, { base: spare.url, headers });
    assert.equal(got.json?.value, secretValue, show(got));
    await request('GET', `/secrets?api-version=7.6&maxresults=1&$skiptoken=${skiptoken}`, { base: spare.url, headers });
    const key = await request('POST', `/keys/${name}/create?api-version=7.6`, { base: spare.url, headers, body: { kty: 'EC', crv: 'P-256' } });
    assert.equal(key.status, 200, show(key));
    const digest = b64u(createHash('sha256').update(`otlp ${correlation}`).digest());
    const signed = await request('POST', `${new URL(key.json.key.kid).pathname}/sign?api-version=7.6`,
      { base: spare.url, headers, body: { alg: 'ES256', value: digest } });
    assert.equal(signed.status, 200, show(signed));

    // Exports arrive in batches on their own intervals: wait until every expected name has arrived (or the wait times out).
    const spans = ['hsm.SignEcdsa', correlation, 'vault.authenticate', 'vault.authorize', 'audit.write', 'audit.commit', 'hsm.GenerateEc',
      'TableClient.', 'hsmvault.correlation_id'];
    const metricNames = ['hsmvault.requests', 'hsmvault.request.duration', 'hsmvault.hsm.operation.duration', 'hsmvault.audit.commit.records',
      'hsmvault.cache.lookups', 'hsmvault.hsm.sessions.in_use', 'http.server.request.duration'];
    await until('the request spans', () => spans.every((n) => all(receiver.bodies.traces).includes(n)));
    await until('the request metrics', () => metricNames.every((n) => all(receiver.bodies.metrics).includes(n)));
    await until('logs', () => receiver.bodies.logs.length > 0);

    const traces = all(receiver.bodies.traces), metrics = all(receiver.bodies.metrics), logs = all(receiver.bodies.logs);
    assert.ok(receiver.bodies.traces.every((b) => b.type === 'application/x-protobuf'), 'protobuf bodies');
    for (const span of spans) assert.ok(traces.includes(span), `traces name ${span}`);
    for (const metric of metricNames) assert.ok(metrics.includes(metric), `metrics name ${metric}`);
    assert.ok(all(receiver.bodies.traces).includes('HsmVault'), 'service name');

    const everything = Buffer.concat([traces, metrics, logs]);
    const forbidden = { token, signature: token.split('.')[2], 'client secret': env.admin.secret, PIN: process.env.HSMVAULT_TEST_PIN,
      'secret value': secretValue, '$skiptoken value': skiptoken, digest };
    for (const [what, value] of Object.entries(forbidden)) {
      assert.ok(value && value.length >= 8, `${what} is known to the test`);
      assert.ok(!everything.includes(value), `the ${what} was exported`);
    }
    assert.ok(!everything.includes('Bearer '), 'an Authorization header value was exported');
  });
});
