// The portal's lifecycle pages in headless Chromium against the standalone host (real SoftHSM2, Azurite): rotate a key and
// set its rotation policy, back it up, delete, recover, purge and restore it; import a .byok file; delete, recover, purge and
// restore a secret; the operator deletes and recovers a vault. Every outcome is checked through the REST API as well.
// Screenshots go to .local/test-output/portal (names start with "lifecycle-").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '../lib/env.mjs';
import { show } from '../lib/http.mjs';
import { createVault, mgmt, onVault } from '../lib/access.mjs';
import { transferBlob, transferCiphertext } from '../lib/byok.mjs';
import { OUTPUT, axe, launch, newPage, shot, signIn } from '../lib/browser.mjs';

const vault = `portal-lc-${randomBytes(3).toString('hex')}`;

describe('portal lifecycle', { timeout: 300_000 }, () => {
  let browser, user, op;
  before(async () => {
    await createVault(vault, { policies: [{ objectId: env.app.oid, permissions: { keys: ['all'], secrets: ['all'] } }] });
    browser = await launch();
    user = await newPage(browser, { origin: env.url });
    op = await newPage(browser, { origin: env.url });
    await signIn(user.page, env.url, env.app);
    await signIn(op.page, env.url, env.operator);
  });
  after(async () => { await browser?.close(); });
  const noProblems = (p) => assert.deepEqual(p.problems, [], p.problems.join('\n'));
  const status = (page, text) => page.getByRole('status').filter({ hasText: text }).waitFor();
  /** Clicks a destructive button, then confirms in the dialog it opens. */
  const confirm = async (page, scope, label) => {
    await scope.getByRole('button', { name: label, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: label, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  };
  const keyVersions = async (name) => (await onVault(vault, 'GET', `keys/${name}/versions`, { as: env.app })).json?.value?.length;

  it('rotates a key (a new version) and saves a rotation policy that the page reads back', async () => {
    const { page } = user;
    await page.goto(`${env.url}/portal/#/vaults/${vault}/keys`);
    await page.getByText('No keys in this vault yet.').waitFor();
    await page.getByText('Create a key').click();
    await page.getByLabel('Name', { exact: true }).fill('rot-key');
    await page.getByLabel('Type', { exact: true }).selectOption('EC-P-256');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('link', { name: 'rot-key' }).click();
    await page.getByRole('heading', { name: 'Key rot-key' }).waitFor();
    const before = await page.locator('code.kid').innerText();

    await confirm(page, page, 'Rotate now');
    await status(page, 'Rotated: new version');
    await page.getByRole('table', { name: 'Versions of key rot-key' }).locator('tbody tr').nth(1).waitFor();
    assert.equal(await keyVersions('rot-key'), 2);
    const after = await page.locator('code.kid').innerText();
    assert.notEqual(after, before, 'the page shows the new current version');
    const current = (await onVault(vault, 'GET', 'keys/rot-key', { as: env.app })).json;
    assert.equal(current.key.kid, after);

    await page.getByText('Rotation policy', { exact: true }).click();
    await page.getByLabel(/Rotate automatically after/).fill('P90D');
    await page.getByLabel(/Notify before expiry/).fill('P30D');
    await page.getByLabel(/New versions expire after/).fill('P1Y');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await status(page, 'Rotation policy saved.');
    const policy = (await onVault(vault, 'GET', 'keys/rot-key/rotationpolicy', { as: env.app })).json;
    const trigger = (type) => policy.lifetimeActions.find((a) => a.action.type.toLowerCase() === type)?.trigger;
    assert.equal(trigger('rotate')?.timeAfterCreate, 'P90D', JSON.stringify(policy));
    assert.equal(trigger('notify')?.timeBeforeExpiry, 'P30D', JSON.stringify(policy));
    assert.equal(policy.attributes.expiryTime, 'P1Y');

    await page.reload();
    await page.getByText('Rotation policy', { exact: true }).click();
    assert.equal(await page.getByLabel(/Rotate automatically after/).inputValue(), 'P90D');
    assert.equal(await page.getByLabel(/Notify before expiry/).inputValue(), 'P30D');
    assert.equal(await page.getByLabel(/New versions expire after/).inputValue(), 'P1Y');
    assert.deepEqual(await axe(page), []);
    await shot(page, 'lifecycle-key-rotated');
    noProblems(user);
  });

  it('backs a key up, deletes it (it leaves the list for deleted keys), recovers it, purges it and restores the backup', async () => {
    const { page } = user;
    await page.goto(`${env.url}/portal/#/vaults/${vault}/keys/rot-key`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up' }).click()]);
    assert.equal(download.suggestedFilename(), 'rot-key.keybackup');
    const backupPath = join(OUTPUT, 'rot-key.keybackup');
    await download.saveAs(backupPath);
    assert.ok(readFileSync(backupPath).length > 100, 'the backup file has the blob');

    await confirm(page, page, 'Delete key');
    await page.getByRole('heading', { name: 'Keys', exact: true }).waitFor();
    await page.getByText('No keys in this vault yet.').waitFor();
    const deletedTable = page.getByRole('table', { name: `Deleted keys of vault ${vault}` });
    const deleted = deletedTable.getByRole('row').filter({ hasText: 'rot-key' });
    await deleted.waitFor();
    assert.equal((await onVault(vault, 'GET', 'keys/rot-key', { as: env.app })).status, 404);
    assert.equal((await onVault(vault, 'GET', 'deletedkeys/rot-key', { as: env.app })).status, 200);
    assert.deepEqual(await axe(page), []);
    await shot(page, 'lifecycle-key-deleted');

    await deleted.getByRole('button', { name: 'Recover' }).click();
    await status(page, 'Key rot-key recovered.');
    await page.getByRole('link', { name: 'rot-key' }).waitFor();
    await page.getByText('No deleted keys.').waitFor({ state: 'attached' });
    assert.equal((await onVault(vault, 'GET', 'keys/rot-key', { as: env.app })).status, 200);

    await page.getByRole('link', { name: 'rot-key' }).click();
    await confirm(page, page, 'Delete key');
    await deleted.waitFor();
    // Purge asks first; cancelling with Escape leaves the key where it is.
    await deleted.getByRole('button', { name: 'Purge' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal((await onVault(vault, 'GET', 'deletedkeys/rot-key', { as: env.app })).status, 200);
    await confirm(page, deleted, 'Purge');
    await status(page, 'Key rot-key purged.');
    await page.getByText('No deleted keys.').waitFor();
    assert.equal((await onVault(vault, 'GET', 'deletedkeys/rot-key', { as: env.app })).status, 404);

    await page.getByLabel('Restore a key from a backup file').setInputFiles(backupPath);
    await status(page, 'Key rot-key restored.');
    await page.getByRole('link', { name: 'rot-key' }).waitFor();
    assert.equal(await keyVersions('rot-key'), 2, 'both versions came back');
    noProblems(user);
  });

  it('imports a .byok file made with node:crypto for a KEK created through the REST API', async () => {
    const { page } = user;
    const made = await onVault(vault, 'POST', 'keys/kek/create', { as: env.app, body: { kty: 'RSA-HSM', key_size: 3072, key_ops: ['import'] } });
    assert.equal(made.status, 200, show(made));
    const kek = made.json.key;
    const kekPublic = createPublicKey({ key: { kty: 'RSA', n: kek.n, e: kek.e }, format: 'jwk' });
    const target = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = join(OUTPUT, 'customer-key.byok');
    writeFileSync(file, JSON.stringify(transferBlob(kek.kid, transferCiphertext(kekPublic, target.privateKey))));

    await page.goto(`${env.url}/portal/#/vaults/${vault}/keys`);
    await page.reload(); // the page was already there: read the list again, with the KEK made outside
    await page.getByRole('link', { name: 'kek' }).waitFor();
    await page.getByText('Import a .byok file').click();
    await page.getByLabel('Name of the imported key').fill('byok-key');
    await page.getByLabel('Key type').selectOption('EC-HSM P-256');
    await page.getByLabel('Transfer blob (.byok)').setInputFiles(file);
    assert.deepEqual(await axe(page), []);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await status(page, 'Key byok-key imported from the .byok file.');
    await page.getByRole('link', { name: 'byok-key' }).waitFor();
    await shot(page, 'lifecycle-byok-imported');
    const imported = (await onVault(vault, 'GET', 'keys/byok-key', { as: env.app })).json;
    const expected = target.publicKey.export({ format: 'jwk' });
    assert.equal(imported.key.kty, 'EC-HSM');
    assert.equal(imported.key.x, expected.x, 'the vault holds the customer\'s key');
    assert.equal(imported.key.y, expected.y);

    // A blob for another KEK is refused, and the page says what the vault said.
    const other = generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey;
    const foreign = join(OUTPUT, 'foreign-kek.byok');
    writeFileSync(foreign, JSON.stringify(transferBlob(kek.kid, transferCiphertext(other, target.privateKey))));
    await page.getByLabel('Name of the imported key').fill('byok-bad');
    await page.getByLabel('Transfer blob (.byok)').setInputFiles(foreign);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '400' }).waitFor();
    assert.equal((await onVault(vault, 'GET', 'keys/byok-bad', { as: env.app })).status, 404);
    noProblems(user);
  });

  it('deletes, recovers, purges and restores a secret', async () => {
    const { page } = user;
    await onVault(vault, 'PUT', 'secrets/old-secret', { as: env.app, body: { value: 'v1' } });
    await page.goto(`${env.url}/portal/#/vaults/${vault}/secrets/old-secret`);
    await page.getByRole('heading', { name: 'Secret old-secret' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up' }).click()]);
    const backupPath = join(OUTPUT, 'old-secret.secretbackup');
    await download.saveAs(backupPath);

    await confirm(page, page, 'Delete secret');
    await page.getByText('No secrets in this vault yet.').waitFor();
    const deleted = page.getByRole('table', { name: `Deleted secrets of vault ${vault}` }).getByRole('row').filter({ hasText: 'old-secret' });
    await deleted.waitFor();
    assert.equal((await onVault(vault, 'GET', 'secrets/old-secret', { as: env.app })).status, 404);
    assert.deepEqual(await axe(page), []);
    await deleted.getByRole('button', { name: 'Recover' }).click();
    await page.getByRole('link', { name: 'old-secret' }).waitFor();
    assert.equal((await onVault(vault, 'GET', 'secrets/old-secret', { as: env.app })).json.value, 'v1');

    await page.getByRole('link', { name: 'old-secret' }).click();
    await confirm(page, page, 'Delete secret');
    // Purge by keyboard: the dialog takes the focus (on Cancel), Tab reaches Purge, Enter confirms.
    await deleted.getByRole('button', { name: 'Purge' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Purge');
    await page.keyboard.press('Enter');
    await status(page, 'Secret old-secret purged.');
    await page.getByText('No deleted secrets.').waitFor();
    assert.equal((await onVault(vault, 'GET', 'deletedsecrets/old-secret', { as: env.app })).status, 404);
    await page.getByLabel('Restore a secret from a backup file').setInputFiles(backupPath);
    await status(page, 'Secret old-secret restored.');
    await page.getByRole('link', { name: 'old-secret' }).waitFor();
    assert.equal((await onVault(vault, 'GET', 'secrets/old-secret', { as: env.app })).json.value, 'v1');
    noProblems(user);
  });

  it('the operator deletes a vault (listed under deleted vaults) and recovers it, by keyboard', async () => {
    const { page } = op;
    await page.goto(`${env.url}/portal/#/`);
    const row = page.getByRole('table', { name: 'Vaults' }).getByRole('row').filter({ has: page.getByRole('link', { name: vault, exact: true }) });
    await confirm(page, row, 'Delete');
    await status(page, `Vault ${vault} deleted.`);
    await row.waitFor({ state: 'detached' });
    const deleted = page.getByRole('table', { name: 'Deleted vaults' }).getByRole('row').filter({ hasText: vault });
    await deleted.waitFor();
    const listed = (await mgmt('GET', 'deletedVaults')).json.value.map((v) => v.name);
    assert.ok(listed.includes(vault), listed.join(', '));
    assert.deepEqual(await axe(page), []);
    await shot(page, 'lifecycle-vault-deleted');

    await deleted.getByRole('button', { name: 'Recover' }).focus();
    await page.keyboard.press('Enter');
    await status(page, `Vault ${vault} recovered.`);
    await row.waitFor();
    assert.equal((await mgmt('GET', `vaults/${vault}`)).status, 200);
    assert.ok(!(await mgmt('GET', 'deletedVaults')).json.value.some((v) => v.name === vault));
    noProblems(op);
  });

  it('the operator purges a deleted vault after confirming', async () => {
    const { page } = op;
    const doomed = `portal-lcp-${randomBytes(3).toString('hex')}`;
    await createVault(doomed);
    assert.equal((await mgmt('DELETE', `vaults/${doomed}`)).status, 200);
    await page.goto(`${env.url}/portal/#/`);
    await page.reload();
    const deleted = page.getByRole('table', { name: 'Deleted vaults' }).getByRole('row').filter({ hasText: doomed });
    await confirm(page, deleted, 'Purge');
    await status(page, `Vault ${doomed} purged.`);
    await deleted.waitFor({ state: 'detached' });
    assert.equal((await mgmt('GET', `deletedVaults/${doomed}`)).status, 404);
    assert.ok(!(await mgmt('GET', 'deletedVaults')).json.value.some((v) => v.name === doomed));
    noProblems(op);
  });
});
