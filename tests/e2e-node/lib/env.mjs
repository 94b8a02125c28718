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
};

export const AUDIENCE = 'https://vault.azure.net';
export const API_VERSION = '7.4';
