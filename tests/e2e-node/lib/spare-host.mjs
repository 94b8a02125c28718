// A further instance of the standalone host, on the same HSM token and storage as the test host, that a test may kill.
// It trusts the test host's development identity provider, so tokens from env.admin etc. work on it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const repo = resolve(import.meta.dirname, '../../..');

/** Starts an instance; returns { url, pid, kill(signal), stop() }. stop() kills it if alive and removes its folder. */
export async function startSpareHost() {
  const primary = process.env.HSMVAULT_TEST_HOST_DIR;
  if (!primary) throw new Error("HSMVAULT_TEST_HOST_DIR is not set: run the tests through 'bash tests/run.sh'");
  const dir = mkdtempSync(join(tmpdir(), 'hsmvault-spare-'));
  await promisify(execFile)('bash', [join(repo, 'infra/local/start-test-host.sh'), dir, primary], { timeout: 120_000 });
  const url = /HSMVAULT_TEST_B_URL='([^']+)'/.exec(readFileSync(join(dir, 'host.env'), 'utf8'))[1];
  const pid = Number(readFileSync(join(dir, 'host.pid'), 'utf8'));
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  return {
    url, pid, dir, alive,
    log: () => readFileSync(join(dir, 'host.log'), 'utf8'),
    kill: (signal = 'SIGKILL') => process.kill(pid, signal),
    async stop() {
      if (alive()) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
