// Test settings exported by tests/run.sh (infra/local/start-test-host.sh writes them).
import { readFileSync } from 'node:fs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(process.env.HSMVAULT_TEST_HOST_ERROR ?? `${name} is not set: run the e2e tests through 'bash tests/run.sh'`);
  return v;
}

export const env = {
  get url() { return need('HSMVAULT_TEST_URL').replace(/\/+$/, ''); },
  get tenant() { return need('HSMVAULT_TEST_TENANT'); },
  get ca() { return readFileSync(need('HSMVAULT_TEST_CA')); },
  get admin() { return { id: need('HSMVAULT_TEST_ADMIN_ID'), secret: need('HSMVAULT_TEST_ADMIN_SECRET') }; },
  get noAccess() { return { id: need('HSMVAULT_TEST_NOACCESS_ID'), secret: need('HSMVAULT_TEST_NOACCESS_SECRET') }; },
  // Identity and access tests (infra/local/start-test-host.sh).
  get urlB() { return need('HSMVAULT_TEST_B_URL').replace(/\/+$/, ''); },
  get tenant2() { return need('HSMVAULT_TEST_TENANT2'); },
  get operator() { return principal('OPERATOR'); },
  get app() { return principal('APP'); },
  get member() { return { ...principal('MEMBER'), group: need('HSMVAULT_TEST_GROUP_OID') }; },
  get t2app() { return { ...principal('T2APP'), tenant: need('HSMVAULT_TEST_TENANT2') }; },
  get adminOid() { return need('HSMVAULT_TEST_ADMIN_OID'); },
  get noAccessOid() { return need('HSMVAULT_TEST_NOACCESS_OID'); },
  get signingKeyPem() { return readFileSync(need('HSMVAULT_TEST_SIGNING_KEY'), 'utf8'); },
};

function principal(name) {
  return { id: need(`HSMVAULT_TEST_${name}_ID`), secret: need(`HSMVAULT_TEST_${name}_SECRET`), oid: need(`HSMVAULT_TEST_${name}_OID`) };
}

// The audience the test host serves (its default, never Azure Key Vault's https://vault.azure.net) and the scope SDKs ask for.
export const AUDIENCE = process.env.HSMVAULT_TEST_AUDIENCE || 'https://localhost';
export const VAULT_SCOPE = `${AUDIENCE}/.default`;
export const API_VERSION = '7.4';
