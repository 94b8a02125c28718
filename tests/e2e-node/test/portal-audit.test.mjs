// The portal's Audit and Usage pages in headless Chromium against the standalone host (real SoftHSM2, Azurite): known operations
// are made through the REST API (an app creates two keys, signs and verifies; a principal without access is refused, with a
// script-like User-Agent), then the security officer (auditor role) sees exactly those in the audit table (filters, paging) and in
// the usage chart and its table. Screenshots go to .local/test-output/portal (names start with "audit-").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '../lib/env.mjs';
import { show, request } from '../lib/http.mjs';
import { createVault, onVault, tokenFor } from '../lib/access.mjs';
import { axe, launch, newPage, shot, signIn } from '../lib/browser.mjs';

const vault = `portal-au-${randomBytes(3).toString('hex')}`;
const need = (n) => { if (!process.env[n]) throw new Error(`${n} is not set: run through tests/run.sh`); return process.env[n]; };
const auditor = { id: need('HSMVAULT_TEST_AUDITOR_ID'), secret: need('HSMVAULT_TEST_AUDITOR_SECRET'), oid: need('HSMVAULT_TEST_AUDITOR_OID') };
const XSS = '<img src=x onerror=alert(1)>';
const docs = join(dirname(fileURLToPath(import.meta.url)), '../../../docs');
/** README's screenshots are refreshed only when asked (HSMVAULT_UPDATE_DOCS=1), so a test run leaves the work tree alone. */
const toDocs = (file, name) => { if (process.env.HSMVAULT_UPDATE_DOCS === '1') copyFileSync(file, join(docs, name)); };

describe('portal audit and usage', { timeout: 300_000 }, () => {
  let browser, officer, boundary, closed;
  before(async () => {
    await createVault(vault, { policies: [{ objectId: env.app.oid, permissions: { keys: ['all'], secrets: ['all'] } }] });
    const as = { as: env.app };
    const digest = randomBytes(32).toString('base64url');
    const versionOf = (r) => { assert.equal(r.status, 200, show(r)); return r.json.key.kid.split('/').pop(); };
    const v1 = versionOf(await onVault(vault, 'POST', 'keys/audit-one/create', { ...as, body: { kty: 'EC', crv: 'P-256' } }));
    const v2 = versionOf(await onVault(vault, 'POST', 'keys/audit-two/create', { ...as, body: { kty: 'EC', crv: 'P-256' } }));
    let signature;
    for (let i = 0; i < 3; i++) {
      const r = await onVault(vault, 'POST', `keys/audit-one/${v1}/sign`, { ...as, body: { alg: 'ES256', value: digest } });
      assert.equal(r.status, 200, show(r));
      signature = r.json.value;
    }
    for (let i = 0; i < 2; i++) {
      const r = await onVault(vault, 'POST', `keys/audit-two/${v2}/sign`, { ...as, body: { alg: 'ES256', value: digest } });
      assert.equal(r.status, 200, show(r));
    }
    // A whole-second boundary between those seven operations and the last two, for the custom time range (same clock as the host).
    boundary = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    await new Promise((resolve) => setTimeout(resolve, boundary.getTime() - Date.now() + 50));
    const verified = await onVault(vault, 'POST', `keys/audit-one/${v1}/verify`, { ...as, body: { alg: 'ES256', digest, value: signature } });
    assert.equal(verified.json?.value, true, show(verified));
    // Refused: a principal without any grant, whose client names itself with markup.
    const denied = await request('GET', 'keys/audit-one?api-version=7.6', {
      vault, headers: { authorization: `Bearer ${await tokenFor(env.noAccess)}`, 'user-agent': XSS } });
    assert.equal(denied.status, 403, show(denied));
    // And a second boundary after them: the auditor's own reads of the log (audited too) come later.
    closed = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    await new Promise((resolve) => setTimeout(resolve, closed.getTime() - Date.now() + 50));

    browser = await launch();
    officer = await newPage(browser);
    await signIn(officer.page, env.url, auditor);
  });
  after(async () => { await browser?.close(); });
  const noProblems = (p) => assert.deepEqual(p.problems, [], p.problems.join('\n'));
  const table = (page) => page.getByRole('table', { name: `Audit records of vault ${vault}` });
  /** Runs an action that loads a page of records, and waits until the table shows the answer. */
  const loaded = async (page, action) => {
    const answer = page.waitForResponse((r) => /\/management\/audit\/vaults\/[^/]+\/records/.test(r.url()));
    await action();
    await answer;
    await page.getByRole('status').filter({ hasText: 'Loading audit records' }).waitFor({ state: 'detached' });
  };
  const rows = async (page) => {
    const t = table(page);
    if (!(await t.count())) return [];
    return t.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  };
  /** A fresh load of a portal page of this vault (the session stays in the tab's sessionStorage). */
  const open = async (page, path) => {
    await page.goto('about:blank');
    await page.goto(`${env.url}/portal/#/vaults/${vault}/${path}`);
  };
  const apply = (page) => loaded(page, () => page.getByRole('button', { name: 'Apply filters' }).click());

  it('the audit page shows exactly the operations made, newest first, and the refused one with its client text as text', async () => {
    const { page } = officer;
    await loaded(page, () => open(page, 'audit'));
    await page.getByLabel('Per page').selectOption('100');
    await apply(page);
    const all = await rows(page);
    const mine = all.filter((r) => r[3] === env.app.oid);
    assert.deepEqual(mine.map((r) => r[1]).sort(),
      ['KeyCreate', 'KeyCreate', 'KeySign', 'KeySign', 'KeySign', 'KeySign', 'KeySign', 'KeyVerify'], JSON.stringify(all));
    const times = all.map((r) => r[0]);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const refused = all.filter((r) => r[3] === env.noAccessOid);
    assert.equal(refused.length, 1, JSON.stringify(all));
    assert.equal(refused[0][1], 'KeyGet');
    assert.match(refused[0][2], /AccessDenied|Forbidden/);
    assert.match(refused[0][2], /403/);
    assert.equal(refused[0][4], 'keys/audit-one');
    assert.equal(refused[0][6], XSS, 'the User-Agent is shown as text');
    assert.equal(await page.locator('main img').count(), 0, 'no element was made from the text');
    assert.deepEqual(await axe(page), []);
    await shot(page, 'audit-all');
    noProblems(officer);
  });

  it('filters by key, caller, operation and result, and pages with Older/Newer', async () => {
    const { page } = officer;
    await loaded(page, () => open(page, 'audit'));
    await page.getByLabel('Key', { exact: true }).fill('audit-one');
    await page.getByLabel('Caller').fill(env.app.oid);
    await page.getByLabel('Operation').selectOption('KeySign');
    await apply(page);
    const signs = await rows(page);
    assert.equal(signs.length, 3, JSON.stringify(signs));
    for (const r of signs) assert.deepEqual([r[1], r[3]], ['KeySign', env.app.oid]);
    for (const r of signs) assert.match(r[4], /^keys\/audit-one\/[0-9a-f]{32}$/);

    await page.getByLabel('Operation').selectOption('');
    await page.getByLabel('Key', { exact: true }).fill('');
    await page.getByLabel('Caller').fill('');
    await page.getByLabel('Result').selectOption('Failure');
    await apply(page);
    assert.deepEqual((await rows(page)).map((r) => [r[1], r[3]]), [['KeyGet', env.noAccessOid]]);

    await page.getByLabel('Result').selectOption('');
    await page.getByLabel('Caller').fill(env.app.id); // the application id matches too
    await page.getByLabel('Per page').selectOption('5');
    await apply(page);
    const first = await rows(page);
    assert.equal(first.length, 5);
    assert.equal(await page.getByText('Page 1', { exact: true }).count(), 1);
    await loaded(page, () => page.getByRole('button', { name: 'Older' }).click());
    await page.getByText('Page 2', { exact: true }).waitFor();
    const second = await rows(page);
    assert.equal(second.length, 3, JSON.stringify(second));
    assert.equal(await page.getByRole('button', { name: 'Older' }).isDisabled(), true);
    assert.ok(second[0][0] <= first[4][0], 'older records on the next page');
    await shot(page, 'audit-page-2');
    await loaded(page, () => page.getByRole('button', { name: 'Newer' }).click());
    await page.getByText('Page 1', { exact: true }).waitFor();
    assert.deepEqual(await rows(page), first);

    // An unknown caller, typed as markup: the empty state repeats it as text.
    await page.getByLabel('Caller').fill(XSS);
    await apply(page);
    await page.getByText(`No audit records: last 24 hours, caller ${XSS}.`).waitFor();
    assert.equal(await page.locator('main img').count(), 0);
    await shot(page, 'audit-empty');
    noProblems(officer);
  });

  it('a custom from/to range (UTC, to the second) shows exactly the records inside it; a reversed one shows the vault\'s error', async () => {
    const { page } = officer;
    const utc = (t) => t.toISOString().slice(0, 19);
    await loaded(page, () => open(page, 'audit'));
    await page.getByLabel('Time range').selectOption('custom');
    assert.match(await page.getByLabel('From (UTC)').inputValue(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'prefilled with the last 24 hours');
    await page.getByLabel('Per page').selectOption('100');

    // Between the two boundaries ("to" takes in the whole second it names): exactly the last two operations.
    await page.getByLabel('From (UTC)').fill(utc(boundary));
    await page.getByLabel('To (UTC)').fill(utc(new Date(closed.getTime() - 1000)));
    await apply(page);
    const after = (await rows(page)).map((r) => [r[1], r[3]]).sort();
    assert.deepEqual(after, [['KeyGet', env.noAccessOid], ['KeyVerify', env.app.oid]].sort(), JSON.stringify(after));
    await page.getByText(`Showing from ${utc(boundary).replace('T', ' ')} to `).waitFor();
    assert.deepEqual(await axe(page), []);
    await shot(page, 'audit-custom-range');

    // Up to the second before the boundary ("to" takes in that whole second): the app's seven earlier operations.
    await page.getByLabel('From (UTC)').fill(utc(new Date(boundary.getTime() - 10 * 60_000)));
    await page.getByLabel('To (UTC)').fill(utc(new Date(boundary.getTime() - 1000)));
    await page.getByLabel('Caller').fill(env.app.oid);
    await apply(page);
    assert.deepEqual((await rows(page)).map((r) => r[1]).sort(),
      ['KeyCreate', 'KeyCreate', 'KeySign', 'KeySign', 'KeySign', 'KeySign', 'KeySign']);

    await page.getByLabel('From (UTC)').fill(utc(boundary));
    await page.getByLabel('To (UTC)').fill(utc(new Date(boundary.getTime() - 60_000)));
    await apply(page);
    await page.getByRole('alert').filter({ hasText: 'start must not be after end' }).waitFor();
    assert.equal(await table(page).count(), 0);
    noProblems(officer);
  });

  it('the usage page charts exactly those operations per hour and per day, by caller, with the table beside', async () => {
    const { page } = officer;
    await open(page, 'usage');
    const list = page.getByRole('table', { name: `Key usage in vault ${vault}` });
    await list.waitFor();
    const totals = await list.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
    assert.deepEqual(totals.sort(), [['audit-one', '6'], ['audit-two', '3']]);
    await page.getByRole('link', { name: 'audit-one' }).click();
    await page.getByRole('heading', { name: 'Usage of key audit-one' }).waitFor();

    for (const [id, periods] of [['hourly', 24], ['daily', 7]]) {
      const chart = page.locator(`svg[data-chart="${id}"]`);
      await chart.waitFor();
      assert.equal(await chart.getAttribute('role'), 'img');
      assert.equal(await chart.locator('g.period').count(), periods);
      const bars = await chart.locator('rect.bar').evaluateAll((rs) => rs.map((r) => [r.dataset.caller, Number(r.dataset.count)]));
      assert.deepEqual(bars.sort(), [[env.app.oid, 5], [env.noAccessOid, 1]].sort(), `${id}: one bar (this period) per caller`);
      const used = await chart.locator('g.period').evaluateAll((gs) => gs.map((g, i) => [i, g.dataset.total]).filter(([, t]) => t !== '0'));
      assert.equal(used.length, 1, `${id}: one period holds them all`);
      assert.equal(used[0][1], '6');
      assert.ok(used[0][0] >= periods - 2, `${id}: the current (or, across a boundary, the previous) period`);
      const name = await page.evaluate((el) => el.getAttribute('aria-labelledby').split(' ').map((i) => document.getElementById(i).textContent).join(' '),
        await chart.elementHandle());
      assert.match(name, /Operations on key audit-one/);
      assert.match(name, new RegExp(`${env.app.oid}: 5; ${env.noAccessOid}: 1|${env.noAccessOid}: 1; ${env.app.oid}: 5`));
    }
    const section = page.getByRole('region', { name: 'Per hour, last 24 hours' });
    await section.getByText('The figures as a table').click();
    const figures = await section.getByRole('table').locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(1).map((c) => c.textContent)));
    assert.deepEqual(figures.sort(), [
      [env.app.oid, 'KeyCreate', 'Success', '1'], [env.app.oid, 'KeySign', 'Success', '3'], [env.app.oid, 'KeyVerify', 'Success', '1'],
      [env.noAccessOid, 'KeyGet', 'Failure', '1'],
    ].sort());
    assert.deepEqual(await axe(page), []);
    const file = await shot(page, 'audit-usage');
    toDocs(file, 'portal-usage.png');
    noProblems(officer);
  });

  it('a key never used shows the empty state; 390 px wide fits; the audit screenshot for the README', async () => {
    const { page } = officer;
    await open(page, 'usage/nothing-here');
    await page.getByText('Key nothing-here was not used in this period.').first().waitFor();
    await page.setViewportSize({ width: 390, height: 860 });
    await open(page, 'usage/audit-one');
    await page.locator('svg[data-chart="hourly"]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal overflow at 390 px');
    await shot(page, 'audit-usage-390');
    await page.setViewportSize({ width: 1280, height: 860 });
    await loaded(page, () => open(page, 'audit/audit-one'));
    assert.equal(await page.getByLabel('Key', { exact: true }).inputValue(), 'audit-one');
    const file = await shot(page, 'audit-key');
    toDocs(file, 'portal-audit.png');
    noProblems(officer);
  });

  it('someone without the auditor or operator role sees the vault\'s 403 in the page', async () => {
    const user = await newPage(browser);
    await signIn(user.page, env.url, env.app);
    await open(user.page, 'audit');
    const alert = user.page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Access denied[\s\S]*403[\s\S]*auditor role/);
    await shot(user.page, 'audit-denied');
    noProblems(user);
  });
});
