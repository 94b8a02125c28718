// A private set of real components for fault tests: its own SoftHSM2 token, its own persisted Azurite and one or more
// standalone hosts on loopback, started with the same scripts as tests/run.sh (infra/local/*.sh). Nothing here touches
// the shared instances other tests use. Every wait is bounded.
import { execFileSync, spawnSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const infra = join(repo, 'infra/local');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1 free right now (the OS picks it), as infra/local/free-port.sh prints one. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolvePort(port)); });
  });
}

function sh(script, args, env, { allowFail = false } = {}) {
  const r = spawnSync('bash', [join(infra, script), ...args], { env: { AZURITE_START_TIMEOUT: '120', ...env }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 && !allowFail) throw new Error(`${script} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout.trim();
}

/** Reads a bash file of `export A='x' B='y'` lines into an object. */
function readEnvFile(path) {
  const out = {};
  for (const m of readFileSync(path, 'utf8').matchAll(/([A-Z0-9_]+)='([^']*)'/g)) out[m[1]] = m[2];
  return out;
}

export class Cluster {
  constructor({ label = 'reliability' } = {}) {
    this.dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), `hsmvault-${label}-`));
    this.pin = randomBytes(12).toString('hex');
    this.tokenLabel = `rel-${randomBytes(3).toString('hex')}`;
    this.hosts = [];
  }

  get env() {
    return {
      ...process.env,
      SOFTHSM2_CONF: this.softhsmConf,
      HSMVAULT_TEST_TOKEN_LABEL: this.tokenLabel,
      HSMVAULT_TEST_PIN: this.pin,
      HSMVAULT_TEST_TABLES: this.tables,
      ...this.extraEnv,
    };
  }

  /** Token and Azurite (persisted to disk so it can be stopped and restarted on the same data). */
  start({ extraEnv = {} } = {}) {
    this.extraEnv = extraEnv;
    this.softhsmConf = sh('init-token.sh', [join(this.dir, 'softhsm'), this.tokenLabel, this.pin], process.env);
    this.azuritePort = Number(sh('free-port.sh', [], process.env));
    this.azuriteBlobPort = Number(sh('free-port.sh', [], process.env));
    this.azuriteDir = join(this.dir, 'azurite');
    this.startAzurite();
    this.tables = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};` +
      `TableEndpoint=http://127.0.0.1:${this.azuritePort}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:${this.azuriteBlobPort}/devstoreaccount1;`;
    return this;
  }

  /** Starts host number i (0 = primary with the identity provider; others trust it). */
  startHost(i = this.hosts.length) {
    const dir = join(this.dir, `host${i}`);
    const args = i === 0 ? [dir] : [dir, join(this.dir, 'host0')];
    sh('start-test-host.sh', args, this.env);
    const e = readEnvFile(join(dir, 'host.env'));
    if (i === 0) this.primaryEnv = e;
    const url = i === 0 ? e.HSMVAULT_TEST_URL : e.HSMVAULT_TEST_B_URL;
    this.hosts[i] = { dir, url, pidFile: join(dir, 'host.pid'), log: join(dir, 'host.log') };
    return this.hosts[i];
  }

  /** startHost without blocking the event loop (so other hosts keep serving the test's clients meanwhile). */
  async startHostAsync(i) {
    const dir = join(this.dir, `host${i}`);
    const args = i === 0 ? [dir] : [dir, join(this.dir, 'host0')];
    const env = { ...this.env, HSMVAULT_TEST_PORT: String(await freePort()) }; // one node start less per restart
    await promisify(execFile)('bash', [join(infra, 'start-test-host.sh'), ...args], { env, timeout: 300_000 });
    const e = readEnvFile(join(dir, 'host.env'));
    if (i === 0) this.primaryEnv = e;
    const url = i === 0 ? e.HSMVAULT_TEST_URL : e.HSMVAULT_TEST_B_URL;
    this.hosts[i] = { dir, url, pidFile: join(dir, 'host.pid'), log: join(dir, 'host.log') };
    return this.hosts[i];
  }

  get ca() { return readFileSync(this.primaryEnv.HSMVAULT_TEST_CA); }
  get admin() { return { id: this.primaryEnv.HSMVAULT_TEST_ADMIN_ID, secret: this.primaryEnv.HSMVAULT_TEST_ADMIN_SECRET }; }
  get operator() { return { id: this.primaryEnv.HSMVAULT_TEST_OPERATOR_ID, secret: this.primaryEnv.HSMVAULT_TEST_OPERATOR_SECRET }; }
  get app() { return { id: this.primaryEnv.HSMVAULT_TEST_APP_ID, secret: this.primaryEnv.HSMVAULT_TEST_APP_SECRET, oid: this.primaryEnv.HSMVAULT_TEST_APP_OID }; }
  get tenant() { return this.primaryEnv.HSMVAULT_TEST_TENANT; }

  hostPid(i) { return Number(readFileSync(this.hosts[i].pidFile, 'utf8')); }
  /** The Table and Blob services' processes (audit segments live in blobs). */
  azuritePids() { return ['azurite.pid', 'azurite-blob.pid'].map((f) => Number(readFileSync(join(this.azuriteDir, f), 'utf8'))); }

  /** SIGKILL of a host: the crash the process-crash test injects. */
  killHost(i) {
    try { process.kill(this.hostPid(i), 'SIGKILL'); } catch { /* already gone */ }
  }

  async waitExited(pid, ms = 15_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      try { process.kill(pid, 0); } catch { return; }
      await sleep(50);
    }
    throw new Error(`process ${pid} did not exit within ${ms} ms`);
  }

  freezeAzurite() { for (const pid of this.azuritePids()) process.kill(pid, 'SIGSTOP'); }
  thawAzurite() { for (const pid of this.azuritePids()) process.kill(pid, 'SIGCONT'); }

  /**
   * Stop Azurite cleanly, and start it again on the same folder and port. Azurite 3.37 keeps its last ~5 s of writes in
   * memory (autosave), so callers stop it only > 5 s after their last acknowledged write: what Azurite itself would lose
   * is not the vault's loss.
   */
  stopAzurite() { sh('stop-azurite.sh', [this.azuriteDir], process.env); }
  startAzurite() {
    sh('start-azurite.sh', [this.azuriteDir, String(this.azuritePort)], { ...process.env, AZURITE_BLOB_PORT: String(this.azuriteBlobPort) });
  }

  stopHost(i) { sh('stop-pid.sh', [this.hosts[i].pidFile], process.env, { allowFail: true }); }

  logs() { return this.hosts.filter(Boolean).map((h) => (existsSync(h.log) ? readFileSync(h.log, 'utf8') : '')).join('\n'); }

  /**
   * CKA_IDs (hex) of the token's key objects that the vault makes (labels `{vault}/{name}/{version}` and
   * `{vault}/secret-encryption`, as its reconciliation sweep reads them), each with its classes; read with pkcs11-tool
   * (a separate process). The deployment's backup keys and other objects on the token are left out.
   */
  hsmKeyIds() {
    // pkcs11-tool's login rewrites the token's own file: it takes the vault's token lock like every other process.
    const lockFile = join(dirname(this.softhsmConf), 'hsmvault-token.lock');
    const out = execFileSync('flock', ['-x', lockFile, 'pkcs11-tool', '--module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', this.tokenLabel,
      '--login', '--pin', this.pin, '--list-objects'], { env: this.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const all = new Map(); // id -> { classes, vaultMade }
    let cls = null, label = '';
    for (const line of out.split('\n')) {
      const head = line.match(/^(Private Key|Public Key|Secret Key) Object/);
      if (head) { cls = head[1]; label = ''; continue; }
      const l = line.match(/^\s+label:\s+(.*)$/);
      if (l) { label = l[1].trim(); continue; }
      const id = line.match(/^\s+ID:\s+([0-9a-f]+)/i);
      if (id && cls) {
        const entry = all.get(id[1].toLowerCase()) ?? { classes: new Set(), vaultMade: false };
        entry.classes.add(cls);
        entry.vaultMade ||= /^[a-z0-9-]{1,24}\/([0-9a-zA-Z-]{1,127}\/[0-9a-f]{32}|secret-encryption)$/.test(label);
        all.set(id[1].toLowerCase(), entry);
        cls = null;
      }
    }
    return new Map([...all].filter(([, e]) => e.vaultMade).map(([id, e]) => [id, e.classes]));
  }

  stop() {
    for (let i = this.hosts.length - 1; i >= 0; i--) if (this.hosts[i]) this.stopHost(i);
    try { this.thawAzurite(); } catch { /* not frozen or gone */ }
    sh('stop-azurite.sh', [this.azuriteDir], process.env, { allowFail: true });
  }

  remove() { rmSync(this.dir, { recursive: true, force: true }); }
}

// Azurite's well-known development account key (public; https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
