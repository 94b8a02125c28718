// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser download) for the portal tests.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.HSMVAULT_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of every step: .local/test-output/portal (override with HSMVAULT_TEST_OUTPUT). */
export const OUTPUT = process.env.HSMVAULT_TEST_OUTPUT ?? join(here, '../../../.local/test-output/portal');

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run 'bash infra/local/ensure-deps.sh --tests' (apt-get install chromium)`);
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/**
 * A fresh browser profile (its own sessionStorage, like a new browser window). The vault's certificate is the test host's
 * self-signed one, which this throwaway profile is told to accept; everything else about TLS is the browser's own.
 */
export async function newPage(browser, { width = 1280, height = 860, origin } = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width, height } });
  if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`unexpected ${d.type()} dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  // The vault's 4xx answers are part of the tests (a 403 shown in the page); the browser logs each as a console error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/portal/')) problems.push(`${r.status()} for ${r.url()}`); });
  return { context, page, problems };
}

let step = 0;
export async function shot(page, name) {
  const file = join(OUTPUT, `${String(++step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA rules on the current page; returns the violations (id, impact, targets). */
export async function axe(page) {
  // Evaluated through the DevTools protocol: the portal's CSP (rightly) refuses an injected inline script.
  await page.evaluate(`${axeSource};0`);
  const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

/** Signs in through the portal: its Sign in button, the identity provider's sign-in page, back to the portal. */
export async function signIn(page, portalUrl, principal, { screenshot } = {}) {
  await page.goto(`${portalUrl}/portal/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Principal').selectOption(principal.id);
  await page.getByLabel('Secret').fill(principal.secret);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
