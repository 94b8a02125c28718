// infra/bicep and infra/terraform deploy the same thing: same inputs and outputs (camelCase <-> snake_case),
// same resource kinds, same roles, the same security settings, and no storage key anywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  bicepDir, camelToSnake, mainTemplate, filesUnder, findArmResource, terraformDir, terraformModule, terraformResources, walkArm,
} from "../lib/infra.mjs";

// Inputs only one tool has, and why.
const TERRAFORM_ONLY_INPUTS = { resource_group_name: "Bicep deploys into the --resource-group of 'az deployment group create'" };

// ARM resource type -> the azurerm resource types that create it. null: no separate resource in azurerm.
const RESOURCE_KINDS = {
  "Microsoft.ManagedIdentity/userAssignedIdentities": ["azurerm_user_assigned_identity"],
  "Microsoft.OperationalInsights/workspaces": ["azurerm_log_analytics_workspace"],
  "Microsoft.Insights/components": ["azurerm_application_insights"],
  "Microsoft.Storage/storageAccounts": ["azurerm_storage_account"],
  "Microsoft.Storage/storageAccounts/tableServices": null, // the default table service; azurerm addresses it as <account id>/tableServices/default
  "Microsoft.Storage/storageAccounts/blobServices": null, // the default blob service, implicit in azurerm
  "Microsoft.Storage/storageAccounts/blobServices/containers": ["azurerm_storage_container"],
  "Microsoft.Authorization/roleAssignments": ["azurerm_role_assignment"],
  "Microsoft.Network/privateEndpoints": ["azurerm_private_endpoint"],
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": ["azurerm_private_endpoint"], // its private_dns_zone_group block
  "Microsoft.Insights/diagnosticSettings": ["azurerm_monitor_diagnostic_setting"],
  "Microsoft.Web/serverfarms": ["azurerm_service_plan"],
  "Microsoft.Web/sites": ["azurerm_linux_function_app"],
  "Microsoft.Web/certificates": ["azurerm_app_service_certificate"],
  "Microsoft.Web/sites/hostNameBindings": ["azurerm_app_service_custom_hostname_binding", "azurerm_app_service_certificate_binding"],
};

// Built-in role names (Terraform) and ids (Bicep): exactly these, nothing broader (no Owner, Contributor, account-key roles).
const ROLES = {
  "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
};

const main = mainTemplate;
const sorted = (a) => [...a].sort();

test("infra parity: Bicep parameters and Terraform variables are the same inputs", async () => {
  const bicepInputs = Object.keys(main().parameters).map(camelToSnake);
  const tfInputs = Object.keys((await terraformModule()).variable).filter((v) => !(v in TERRAFORM_ONLY_INPUTS));
  assert.deepEqual(sorted(tfInputs), sorted(bicepInputs));
});

test("infra parity: an input is required, secure or optional alike in both", async () => {
  const vars = (await terraformModule()).variable;
  const diff = [];
  for (const [name, p] of Object.entries(main().parameters)) {
    const v = vars[camelToSnake(name)]?.[0];
    if (!v) continue;
    const bicepSecure = /^secure/i.test(p.type);
    if (bicepSecure !== (v.sensitive === true)) diff.push(`${name}: secure ${bicepSecure}, sensitive ${v.sensitive === true}`);
    if (("defaultValue" in p) !== ("default" in v)) diff.push(`${name}: Bicep ${"defaultValue" in p ? "has" : "has no"} default, Terraform ${"default" in v ? "has" : "has no"} default`);
  }
  assert.deepEqual(diff, []);
});

test("infra parity: Bicep and Terraform have the same outputs", async () => {
  const bicepOutputs = Object.keys(main().outputs).map(camelToSnake);
  assert.deepEqual(sorted(Object.keys((await terraformModule()).output)), sorted(bicepOutputs));
});

test("infra parity: both create the same kinds of resources", async () => {
  const armTypes = new Set();
  walkArm(main(), (r) => {
    if (!r.existing && r.type !== "Microsoft.Resources/deployments") armTypes.add(r.type);
  });
  const unmapped = [...armTypes].filter((t) => !(t in RESOURCE_KINDS));
  assert.deepEqual(unmapped, [], "add the ARM type to RESOURCE_KINDS with its azurerm counterpart");
  const expectedTf = new Set([...armTypes].flatMap((t) => RESOURCE_KINDS[t] ?? []));
  const tfTypes = new Set((await terraformResources()).map((r) => r.type));
  assert.deepEqual(sorted(tfTypes), sorted(expectedTf));
  const mappedButAbsent = Object.keys(RESOURCE_KINDS).filter((t) => !armTypes.has(t));
  assert.deepEqual(mappedButAbsent, [], "RESOURCE_KINDS lists ARM types the template no longer creates");
});

test("infra parity: the identity gets exactly the same roles in both", async () => {
  const bicepText = filesUnder(bicepDir, ".bicep").map((f) => readFileSync(f, "utf8")).join("\n");
  const bicepRoles = [...bicepText.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)].map((m) => m[1]);
  assert.deepEqual(sorted(new Set(bicepRoles)), sorted(Object.values(ROLES)));
  const tfRoles = new Set();
  for (const r of await terraformResources()) {
    if (r.type !== "azurerm_role_assignment") continue;
    assert.ok(!r.body.role_definition_id, `${r.file} ${r.name}: use role_definition_name`);
    const name = r.body.role_definition_name;
    if (name === "${each.value}") {
      const locals = (await terraformModule("modules/storage")).locals;
      for (const n of locals.roles) tfRoles.add(n);
    } else tfRoles.add(name);
  }
  assert.deepEqual(sorted(tfRoles), sorted(Object.keys(ROLES)));
});

test("infra parity: storage is TLS 1.2+, HTTPS only, no shared keys, in both", async () => {
  const { resource: sa } = findArmResource(main(), "Microsoft.Storage/storageAccounts");
  assert.equal(sa.properties.minimumTlsVersion, "TLS1_2");
  assert.equal(sa.properties.supportsHttpsTrafficOnly, true);
  assert.equal(sa.properties.allowSharedKeyAccess, false);
  assert.equal(sa.properties.allowBlobPublicAccess, false);
  const [tf] = (await terraformResources()).filter((r) => r.type === "azurerm_storage_account");
  assert.equal(tf.body.min_tls_version, "TLS1_2");
  assert.equal(tf.body.https_traffic_only_enabled, true);
  assert.equal(tf.body.shared_access_key_enabled, false);
  assert.equal(tf.body.allow_nested_items_to_be_public, false);
});

test("infra parity: the Function App is HTTPS only, TLS 1.2+, FTP off, VNet-integrated, in both", async () => {
  const { resource: site } = findArmResource(main(), "Microsoft.Web/sites");
  assert.equal(site.properties.httpsOnly, true);
  assert.equal(site.properties.siteConfig.minTlsVersion, "1.2");
  assert.equal(site.properties.siteConfig.scmMinTlsVersion, "1.2");
  assert.equal(site.properties.siteConfig.ftpsState, "Disabled");
  assert.equal(site.properties.vnetRouteAllEnabled, true);
  assert.match(site.properties.virtualNetworkSubnetId, /integrationSubnetId/);
  assert.match(site.properties.siteConfig.linuxFxVersion, /DOCKER\|/);
  const [tf] = (await terraformResources()).filter((r) => r.type === "azurerm_linux_function_app");
  assert.equal(tf.body.https_only, true);
  assert.equal(tf.body.storage_uses_managed_identity, true);
  assert.ok(!("storage_account_access_key" in tf.body), "no storage account key for the runtime");
  const [sc] = tf.body.site_config;
  assert.equal(sc.minimum_tls_version, "1.2");
  assert.equal(sc.scm_minimum_tls_version, "1.2");
  assert.equal(sc.ftps_state, "Disabled");
  assert.equal(sc.vnet_route_all_enabled, true);
  assert.equal(tf.body.virtual_network_subnet_id, "${var.integration_subnet_id}");
  assert.ok(sc.application_stack[0].docker, "a custom container");
});

test("infra: no storage account key or key-based connection string anywhere in the templates", () => {
  const files = [...filesUnder(bicepDir, ".bicep"), `${bicepDir}/main.json`, ...filesUnder(terraformDir, ".tf")];
  const offenders = [];
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    for (const bad of [/AccountKey=/i, /listKeys\s*\(/i, /primary_access_key/, /secondary_access_key/, /primary_connection_string/, /storage_account_access_key/, /SharedAccessSignature=/i]) {
      if (bad.test(text)) offenders.push(`${f}: ${bad}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test("infra parity: the portal's origin is an optional input passed to HsmVault__Portal__Origin, left out when empty, in both", async () => {
  const param = main().parameters.portalOrigin;
  assert.equal(param?.type, "string");
  assert.equal(param.defaultValue, "", "empty: the app's default (the bare DNS suffix, where it serves the portal)");
  const { template } = findArmResource(main(), "Microsoft.Web/sites");
  const setting = template.variables.optionalSettings.find((s) => s.name === "HsmVault__Portal__Origin");
  assert.equal(setting?.value, "[parameters('hsm').portalOrigin]");
  const passed = [];
  walkArm(main(), (r) => { if (r.type === "Microsoft.Resources/deployments" && r.properties?.parameters?.hsm) passed.push(r.properties.parameters.hsm.value.portalOrigin); });
  assert.deepEqual(passed, ["[parameters('portalOrigin')]"], "main.bicep hands the parameter to the Function App module");

  const [variable] = (await terraformModule()).variable.portal_origin;
  assert.equal(variable.default, "");
  const [app] = (await terraformModule()).module.function_app;
  assert.equal(app.hsm.portal_origin, "${var.portal_origin}");
  const locals = (await terraformModule("modules/function_app")).locals;
  assert.equal(locals.optional_settings.HsmVault__Portal__Origin, "${var.hsm.portal_origin}");
  // Terraform checks the value is an origin; the same pattern, run here, accepts origins and nothing else.
  const [validation] = variable.validation;
  const pattern = new RegExp(JSON.parse(`"${/regex\("((?:[^"\\]|\\.)*)"/.exec(validation.condition)[1]}"`));
  for (const ok of ["https://vaults.contoso.com", "https://portal.example:8443"]) assert.match(ok, pattern);
  for (const bad of ["http://vaults.contoso.com", "https://vaults.contoso.com/", "https://vaults.contoso.com/portal", "vaults.contoso.com"]) assert.doesNotMatch(bad, pattern);
});
