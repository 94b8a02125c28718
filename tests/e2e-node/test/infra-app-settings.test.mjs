// The app settings of both templates match infra/app-settings.json, and that list matches the code:
// every HsmVault__* setting is one the app binds (options classes under functions/ and hsm-adapter/),
// unless marked pending with its issue; every setting of local.settings.sample.json is deployed or
// explicitly left out with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appConfiguration, appSettingsList, bicepAppSettingNames, findArmResource, mainTemplate, sampleSettings,
  terraformModule, terraformResources, whyNotRead,
} from "../lib/infra.mjs";

const list = appSettingsList();
const listed = list.settings.map((s) => s.name);
const sorted = (a) => [...a].sort();

test("infra/app-settings.json: names are unique and pending entries name their issue", () => {
  assert.equal(new Set(listed).size, listed.length, "duplicate names");
  const bad = list.settings.filter((s) => "pending" in s && !/^issue \d+: \S/.test(s.pending)).map((s) => s.name);
  assert.deepEqual(bad, [], "pending must read 'issue N: what the app must do'");
});

test("infra/app-settings.json: every HsmVault__* setting is bound by the app, or pending with its issue", (t) => {
  const config = appConfiguration();
  const unread = [];
  for (const s of list.settings.filter((x) => x.name.startsWith("HsmVault__"))) {
    const why = whyNotRead(s.name, config);
    if (why && !s.pending) unread.push(`${s.name}: ${why}`);
    if (!why && s.pending) t.diagnostic(`${s.name} is now read by the app: drop its "pending" mark in infra/app-settings.json`);
  }
  assert.deepEqual(unread, []);
});

test("infra/app-settings.json: every setting of local.settings.sample.json is deployed or left out with a reason", () => {
  const missing = Object.keys(sampleSettings()).filter((k) => !listed.includes(k) && !list.notDeployed[k]);
  assert.deepEqual(missing, [], "add to settings or to notDeployed (with the reason) in infra/app-settings.json");
  const stale = Object.keys(list.notDeployed).filter((k) => !(k in sampleSettings()));
  assert.deepEqual(stale, [], "notDeployed names settings local.settings.sample.json no longer has");
  const both = Object.keys(list.notDeployed).filter((k) => listed.includes(k));
  assert.deepEqual(both, [], "a setting is either deployed or not");
});

test("infra/bicep: the Function App's app settings are exactly infra/app-settings.json", () => {
  assert.deepEqual(sorted(bicepAppSettingNames(mainTemplate())), sorted(listed));
});

test("infra/terraform: the Function App's app settings are exactly infra/app-settings.json", async () => {
  const locals = (await terraformModule("modules/function_app")).locals;
  assert.match(locals.app_settings, /local\.base_settings/);
  assert.match(locals.app_settings, /local\.optional_settings/);
  const [app] = (await terraformResources()).filter((r) => r.type === "azurerm_linux_function_app");
  assert.equal(app.body.app_settings, "${local.app_settings}");
  const fromProvider = [];
  for (const s of list.settings.filter((x) => x.terraform)) {
    const [first, second] = s.terraform.split(".");
    const value = second ? app.body[first]?.[0]?.[second] : app.body[first];
    assert.ok(value !== undefined && value !== false, `${s.name}: azurerm_linux_function_app sets ${s.terraform}`);
    fromProvider.push(s.name);
  }
  const names = [...Object.keys(locals.base_settings), ...Object.keys(locals.optional_settings), ...fromProvider];
  assert.deepEqual(sorted(names), sorted(listed));
});

test("infra: optional settings are optional in both, and the HSM PIN is a Key Vault reference in both", async () => {
  const { template } = findArmResource(mainTemplate(), "Microsoft.Web/sites");
  const optional = sorted(list.settings.filter((s) => s.optional).map((s) => s.name));
  assert.deepEqual(sorted(template.variables.optionalSettings.map((s) => s.name)), optional);
  const locals = (await terraformModule("modules/function_app")).locals;
  assert.deepEqual(sorted(Object.keys(locals.optional_settings)), optional);
  for (const s of list.settings.filter((x) => x.keyVaultReference)) {
    const bicepValue = template.variables.baseSettings.find((x) => x.name === s.name).value;
    assert.match(bicepValue, /@Microsoft\.KeyVault\(SecretUri=/, `Bicep ${s.name}`);
    assert.match(locals.base_settings[s.name], /^@Microsoft\.KeyVault\(SecretUri=\$\{var\.\w+\}\)$/, `Terraform ${s.name}`);
  }
  assert.ok(list.settings.some((s) => s.name === "HsmVault__Hsm__UserPin" && s.keyVaultReference));
});

test("infra: the runtime reaches storage with the managed identity in both", async () => {
  const { template } = findArmResource(mainTemplate(), "Microsoft.Web/sites");
  const bicepValue = (n) => template.variables.baseSettings.find((x) => x.name === n)?.value;
  assert.equal(bicepValue("AzureWebJobsStorage__credential"), "managedidentity");
  assert.equal(bicepValue("AzureWebJobsStorage"), undefined);
  const locals = (await terraformModule("modules/function_app")).locals;
  assert.equal(locals.base_settings.AzureWebJobsStorage__credential, "managedidentity");
  assert.ok(!("AzureWebJobsStorage" in locals.base_settings));
});
