// Counts the objects on the test host's SoftHSM2 token (every host instance shares it) with opensc's pkcs11-tool, logged in,
// so a test can prove that a purge left no HSM object behind.
import { execFileSync } from 'node:child_process';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export function tokenObjectCount() {
  const label = process.env.HSMVAULT_TEST_TOKEN_LABEL, pin = process.env.HSMVAULT_TEST_PIN;
  if (!label || !pin || !process.env.SOFTHSM2_CONF) throw new Error("the test token is not set: run the tests through 'bash tests/run.sh'");
  const out = execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', label, '--login', '--pin', pin, '--list-objects'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => /^(Private Key|Public Key|Secret Key|Certificate|Data) Object/.test(l) || /^Data object/.test(l)).length;
}
