// The web portal in headless Chromium against the standalone host (real SoftHSM2, Azurite): an operator signs in with the
// authorization code + PKCE flow, creates a vault and grants an app's user; that user manages a key and a secret; the
// operator revokes and the user sees the 403 explained; user text is shown as text; the CSP holds. Screenshots of each
// step go to .local/test-output/portal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { env, VAULT_SCOPE } from '../lib/env.mjs';
import { request, show } from '../lib/http.mjs';
import { onVault } from '../lib/access.mjs';
import { launch, newPage, shot, axe, signIn } from '../lib/browser.mjs';

const XSS = '<img src=x onerror="window.__xss=1">';
const vault = `portal-${randomBytes(3).toString('hex')}`;
const SECRET_VALUE = `s3cr3t-${randomBytes(6).toString('hex')}`;

describe('portal', { timeout: 240_000 }, () => {
  let browser, op, user;
  before(async () => {
    browser = await launch();
    op = await newPage(browser, { origin: env.url });
    user = await newPage(browser, { origin: env.url });
  });
  after(async () => {
    await browser?.close();
  });
  const noProblems = (p) => assert.deepEqual(p.problems, [], p.problems.join('\n'));

  it('is served under /portal with a strict Content-Security-Policy', async () => {
    const r = await request('GET', '/portal/');
    assert.equal(r.status, 200, show(r));
    assert.match(r.headers['content-type'], /^text\/html/);
    const csp = r.headers['content-security-policy'];
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /style-src 'self';/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(r.text, /<script>|<style>| style=/, 'no inline script or style in the page');
    const js = await request('GET', '/portal/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers['content-type'], /^text\/javascript/);
    // The bundle loads nothing from elsewhere; the only sites it names are XML namespaces and, inside MSAL, Entra ID's cloud
    // hosts, its error-help link and the Azure metadata address (MSAL's region discovery, which a browser never uses; the CSP
    // would refuse it). The sign-in test below checks that the page really talks to no other origin.
    const named = /^https?:\/\/(www\.w3\.org\/|aka\.ms\/msal\.js\.errors|login\.(microsoftonline\.(com|us|de)|chinacloudapi\.cn)\b|169\.254\.169\.254\/metadata\/|\$\{)/;
    const urls = [...new Set(js.text.match(/https?:\/\/[^"'`\s)]+/g) ?? [])];
    assert.deepEqual(urls.filter((u) => !named.test(u)), [], 'the bundle names no other site');
    const traversal = await request('GET', '/portal/..%2F..%2Fhost.json');
    assert.ok(!traversal.text.includes('"version"'), 'no file outside the portal is served');
  });

  it('operator signs in with MSAL (authorization code + PKCE); the token is in no URL and not in localStorage', async () => {
    const { page } = op;
    const urls = [];
    const frames = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('framenavigated', (f) => frames.push(f.url()));
    await signIn(page, env.url, env.operator, { screenshot: 'sign-in-page' });
    assert.equal(page.url(), `${env.url}/portal/`, 'the code is removed from the address bar');
    const storage = await page.evaluate(() => ({ local: localStorage.length, session: { ...sessionStorage } }));
    assert.equal(storage.local, 0, 'nothing in localStorage');
    const cached = Object.values(storage.session).join('\n');
    assert.match(cached, /"credentialType":"AccessToken"/, 'MSAL keeps the access token in sessionStorage');
    assert.match(cached, /"credentialType":"RefreshToken"/, 'and the refresh token it renews it with');
    const authorize = urls.find((u) => u.includes('/oauth2/v2.0/authorize?'));
    assert.ok(authorize, 'went through the authorization endpoint');
    const q = new URL(authorize).searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('response_mode'), 'fragment', 'the code comes back in the fragment, never sent to a server');
    assert.ok(q.get('nonce'), 'MSAL sends a nonce, which the ID token must carry back');
    assert.deepEqual(q.get('scope').split(' ').sort(), ['offline_access', 'openid', 'profile', VAULT_SCOPE].sort());
    assert.ok(frames.some((u) => /\/portal\/#code=/.test(u)), 'the code arrived in the fragment');
    // MSAL's state is base64url JSON too ("eyJ…"), so a token is told by its three dot-separated parts.
    // (MSAL's authorize request names id_token in its claims parameter, so parameters are told by their "=".)
    const leaked = urls.filter((u) => /[?&#](access_token|refresh_token|id_token)=|eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./.test(u));
    assert.deepEqual(leaked, [], 'no token in any URL');
    assert.deepEqual([...new Set(urls.map((u) => new URL(u).origin))], [env.url], 'every request went to this service: no CDN, no other site');
    await page.getByRole('heading', { name: 'Vaults', exact: true }).waitFor();
    await page.getByRole('link', { name: 'default' }).waitFor();
    await shot(page, 'vaults');
    noProblems(op);
  });

  it('an expired access token is renewed with the refresh token (one form post, no iframe); the used refresh token is refused', async () => {
    const { page } = op;
    const cachedRefreshToken = () => page.evaluate(() => Object.values(sessionStorage).map((v) => { try { return JSON.parse(v); } catch { return null; } })
      .find((e) => e?.credentialType === 'RefreshToken')?.secret);
    const before = await cachedRefreshToken();
    assert.ok(before);
    // Age the cached access token as if an hour had passed.
    await page.evaluate(() => {
      for (const [k, v] of Object.entries(sessionStorage)) {
        let e;
        try { e = JSON.parse(v); } catch { continue; }
        if (e?.credentialType === 'AccessToken') sessionStorage.setItem(k, JSON.stringify({ ...e, expiresOn: String(Number(e.cachedAt) - 1), extendedExpiresOn: String(Number(e.cachedAt) - 1) }));
      }
    });
    const posts = [];
    page.on('request', (r) => { if (r.url().includes('/oauth2/v2.0/token')) posts.push({ body: r.postData(), headers: r.headers() }); });
    await page.reload();
    await page.getByRole('link', { name: 'default' }).waitFor();
    assert.equal(posts.length, 1, 'one token request');
    const form = new URLSearchParams(posts[0].body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('client_id'), 'hsmvault-portal');
    assert.equal(posts[0].headers['content-type'], 'application/x-www-form-urlencoded;charset=utf-8');
    assert.equal(page.frames().length, 1, 'no hidden iframe');
    const after = await cachedRefreshToken();
    assert.ok(after && after !== before, 'MSAL keeps the new refresh token');
    const reused = await request('POST', `/${env.tenant}/oauth2/v2.0/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'hsmvault-portal', refresh_token: before, scope: VAULT_SCOPE }).toString() });
    assert.equal(reused.status, 400, show(reused));
    assert.equal(reused.json.error, 'invalid_grant');
    noProblems(op);
  });

  it('the identity provider refuses a code without the right PKCE verifier, a reused code and a foreign redirect URI', async () => {
    const verifier = randomBytes(40).toString('base64url');
    const redirect = `${env.url}/portal/`;
    const params = { client_id: 'hsmvault-portal', response_type: 'code', redirect_uri: redirect, scope: VAULT_SCOPE,
      state: 'st', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const authorize = `/${env.tenant}/oauth2/v2.0/authorize`;
    const page = await request('GET', `${authorize}?${new URLSearchParams(params)}`);
    assert.equal(page.status, 200, show(page));
    assert.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
    const wrongSecret = await request('POST', authorize, { headers: form, body: new URLSearchParams({ ...params, principal: env.operator.id, secret: 'wrong' }).toString() });
    assert.equal(wrongSecret.status, 401);
    assert.match(wrongSecret.text, /Wrong principal or secret/);
    const signedIn = await request('POST', authorize, { headers: form, body: new URLSearchParams({ ...params, principal: env.operator.id, secret: env.operator.secret }).toString() });
    assert.equal(signedIn.status, 302, show(signedIn));
    const location = new URL(signedIn.headers.location);
    assert.equal(`${location.origin}${location.pathname}`, redirect);
    assert.equal(location.searchParams.get('state'), 'st');
    const code = location.searchParams.get('code');
    const token = (v) => request('POST', `/${env.tenant}/oauth2/v2.0/token`, { headers: form,
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'hsmvault-portal', code, redirect_uri: redirect, code_verifier: v }).toString() });
    const wrong = await token(randomBytes(40).toString('base64url'));
    assert.equal(wrong.status, 400, show(wrong));
    assert.equal(wrong.json.error, 'invalid_grant');
    const again = await token(verifier);
    assert.equal(again.status, 400, 'a code is single use, even after a failed attempt');
    const foreign = await request('GET', `${authorize}?${new URLSearchParams({ ...params, redirect_uri: 'https://evil.example/' })}`);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.headers.location, undefined, 'never redirected to an unregistered URI');
    const plain = await request('GET', `${authorize}?${new URLSearchParams({ ...params, code_challenge_method: 'plain' })}`);
    assert.equal(plain.status, 400, 'PKCE S256 is required');
  });

  it('operator creates a vault and grants the app user with the permission picker', async () => {
    const { page } = op;
    await page.getByText('Create a vault').click();
    await page.getByLabel('Name', { exact: true }).fill(vault);
    await page.getByLabel('Tags (one name=value a line)').fill(`team=portal\nnote=${XSS}`);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByRole('status').filter({ hasText: `Vault ${vault} created.` }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: vault }) });
    await row.waitFor();
    await row.getByText(XSS).waitFor(); // shown as text
    await shot(page, 'vault-created');
    await row.getByRole('link', { name: vault }).click();
    await page.getByRole('link', { name: 'Access policies' }).click();
    await page.getByText('Nobody has access to this vault yet.').waitFor();
    await page.getByText('Grant access').click();
    await page.getByLabel('Object id (user, app, managed identity or group)').fill(env.app.oid);
    const keys = page.getByRole('group', { name: 'Key permissions' });
    await keys.getByRole('button', { name: 'All' }).click();
    await keys.getByLabel('purge').uncheck();
    const secrets = page.getByRole('group', { name: 'Secret permissions' });
    for (const p of ['get', 'list', 'set']) await secrets.getByLabel(p, { exact: true }).check();
    await shot(page, 'grant');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    const entry = page.getByRole('row').filter({ hasText: env.app.oid });
    await entry.waitFor();
    assert.match(await entry.innerText(), /whole vault/);
    assert.doesNotMatch(await entry.innerText(), /purge/);
    assert.match(await entry.innerText(), /get, list, set/);
    await shot(page, 'access-policies');
    noProblems(op);
  });

  it('the app user creates a key, copies its id, disables and re-enables it, sets expiry and tags, downloads the PEM', async () => {
    const { page, context } = user;
    await signIn(page, env.url, env.app);
    await page.getByText('Listing and creating vaults needs the operator role').waitFor();
    await page.getByLabel('Open a vault by name').fill(vault);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('No keys in this vault yet.').waitFor();
    await page.getByText('Create a key').click();
    await page.getByLabel('Name', { exact: true }).fill('signing-key');
    await page.getByLabel('Type', { exact: true }).selectOption('EC-P-256');
    await page.getByLabel('Tags (one name=value a line)').fill(`owner=${XSS}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('link', { name: 'signing-key' }).click();
    await page.getByRole('heading', { name: 'Key signing-key' }).waitFor();
    const kid = await page.locator('code.kid').innerText();
    assert.match(kid, new RegExp(`^https://${vault}\\.localhost:\\d+/keys/signing-key/[0-9a-f]{32}$`));
    await page.getByRole('button', { name: 'Copy key id' }).first().click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), kid);
    await page.getByText(XSS).waitFor();
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'the tag value did not run');
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    await shot(page, 'key');

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('disabled', { exact: true }).first().waitFor();
    const disabled = await onVault(vault, 'GET', 'keys/signing-key', { as: env.app });
    assert.equal(disabled.json.attributes.enabled, false, show(disabled));
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('status').filter({ hasText: 'Key enabled.' }).waitFor();

    await page.getByText('Edit expiry and tags').click();
    await page.getByLabel('Expires').fill('2031-06-30');
    await page.getByLabel('Tags (one name=value a line)').fill('owner=payments\nenv=test');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Key updated.' }).waitFor();
    const updated = (await onVault(vault, 'GET', 'keys/signing-key', { as: env.app })).json;
    assert.equal(updated.attributes.exp, Date.parse('2031-06-30T23:59:59Z') / 1000);
    assert.deepEqual(updated.tags, { owner: 'payments', env: 'test' });
    assert.equal(updated.attributes.enabled, true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download public key (PEM)' }).click()]);
    const pem = readFileSync(await download.path(), 'utf8');
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
    const jwk = createPublicKey(pem).export({ format: 'jwk' });
    assert.equal(jwk.x, updated.key.x);
    assert.equal(jwk.y, updated.key.y);
    await shot(page, 'key-updated');
    assert.ok(context);
    noProblems(user);
  });

  it('the app user sets a secret and reveals it only on click; the value is gone after leaving the page', async () => {
    const { page } = user;
    await page.getByRole('link', { name: 'Secrets' }).click();
    await page.getByText('No secrets in this vault yet.').waitFor();
    await page.getByText('Add a secret').click();
    await page.getByLabel('Name', { exact: true }).fill('db-password');
    await page.getByLabel('Value', { exact: true }).fill(SECRET_VALUE);
    await page.getByLabel('Content type (optional)').fill('text/plain');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('link', { name: 'db-password' }).click();
    await page.getByRole('heading', { name: 'Secret db-password' }).waitFor();
    await page.getByRole('button', { name: /Reveal value/ }).waitFor();
    assert.ok(!(await page.content()).includes(SECRET_VALUE), 'not shown before the click');
    await page.getByRole('button', { name: /Reveal value/ }).click();
    await page.locator('output.secret-value').filter({ hasText: SECRET_VALUE }).waitFor();
    await shot(page, 'secret-revealed');
    await page.getByText('Set a new version').click();
    await page.getByLabel('Value', { exact: true }).fill(`${SECRET_VALUE}-2`);
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('status').filter({ hasText: 'New version saved.' }).waitFor();
    await page.locator('li.version').nth(1).waitFor();
    await page.getByRole('link', { name: 'Keys' }).first().click();
    await page.getByRole('link', { name: 'signing-key' }).waitFor();
    assert.ok(!(await page.content()).includes(SECRET_VALUE), 'the value left the page with it');
    assert.ok(!(await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage))).includes(SECRET_VALUE));
    noProblems(user);
  });

  it('operator revokes with a confirmation; the app user sees the 403 and which permission is missing', async () => {
    const { page } = op;
    const entry = page.getByRole('row').filter({ hasText: env.app.oid });
    await entry.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await shot(page, 'revoke-confirm');
    await page.keyboard.press('Escape'); // cancel with the keyboard: nothing happens
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await entry.count(), 1);
    await entry.getByRole('button', { name: 'Revoke' }).click();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Nobody has access to this vault yet.').waitFor();

    const u = user.page;
    await u.waitForTimeout(1200); // revocation reaches every instance within a second
    await u.goto(`${env.url}/portal/#/vaults/${vault}/keys`);
    await u.reload();
    const alert = u.getByRole('alert').filter({ hasText: 'Access denied' });
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /403 Forbidden/);
    assert.match(text, /keys list permission/, text);
    await shot(u, 'denied');
  });

  it('passes axe checks, is usable at 390 px and by keyboard', async () => {
    const { page } = op;
    await page.goto(`${env.url}/portal/#/`);
    await page.getByRole('link', { name: vault }).waitFor();
    await page.getByText('Create a vault').click();
    assert.deepEqual(await axe(page), []);
    await page.goto(`${env.url}/portal/#/vaults/${vault}/access`);
    await page.getByText('Grant access').click();
    assert.deepEqual(await axe(page), []);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${env.url}/portal/#/`);
    await page.getByRole('link', { name: vault }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 390 px screen`);
    await shot(page, 'vaults-390px');

    // Keyboard only: focus the search field, type a name, Enter opens the vault.
    await page.getByLabel('Open a vault by name').focus();
    await page.keyboard.type(vault);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Vault ${vault}` }).waitFor();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    assert.ok(['A', 'BUTTON', 'INPUT', 'SUMMARY'].includes(focused), `focus went to ${focused}`);
    await page.setViewportSize({ width: 1280, height: 860 });
    noProblems(op);
  });

  it('the CSP blocks inline script, and the portal cannot be framed', async () => {
    const { page } = op;
    await page.goto(`${env.url}/portal/#/`);
    await page.getByRole('heading', { name: 'Vaults', exact: true }).waitFor();
    const violation = await page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      setTimeout(() => resolve(null), 2000);
    }));
    assert.match(violation ?? '', /^script-src/);
    assert.equal(await page.evaluate(() => window.__inline), undefined);
    op.problems.length = 0; // the console reports the violation we caused

    const { page: framer, context } = await newPage(browser);
    await framer.setContent(`<iframe title="framed" src="${env.url}/portal/"></iframe>`);
    await framer.waitForTimeout(2000);
    const child = framer.frames().find((f) => f !== framer.mainFrame());
    const framed = await child?.evaluate(() => document.body?.innerText ?? '').catch(() => '') ?? '';
    assert.doesNotMatch(framed, /Sign in|HsmVault portal/, `the portal rendered inside a frame: ${framed.slice(0, 200)}`);
    await context.close();
  });
});
