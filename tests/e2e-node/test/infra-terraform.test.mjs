// infra/terraform: every .tf parses as HCL, every variable and output is documented, no sensitive variable has a default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { filesUnder, parseTerraform, terraformDir, terraformModule } from "../lib/infra.mjs";
import { dirname } from "node:path";

test("infra/terraform: every .tf parses (hcl2json)", async () => {
  const files = filesUnder(terraformDir, ".tf");
  assert.ok(files.length >= 5, `found ${files.length} .tf files`);
  const parsed = await parseTerraform();
  assert.equal(parsed.length, files.length);
  for (const { file, json } of parsed) assert.ok(Object.keys(json).length > 0, `${file} parsed to nothing`);
});

test("infra/terraform: the root module pins azurerm and uses Entra ID for storage data-plane calls", async () => {
  const root = await terraformModule();
  const required = root.terraform.flatMap((t) => t.required_providers ?? []);
  assert.equal(required[0].azurerm.source, "hashicorp/azurerm");
  assert.equal(root.provider.azurerm[0].storage_use_azuread, true);
});

test("infra/terraform: every variable and output of every module has a description", async () => {
  const missing = [];
  const dirs = new Set((await parseTerraform()).map((f) => dirname(f.file)));
  for (const dir of dirs) {
    const mod = await terraformModule(dir === "." ? "" : dir);
    for (const kind of ["variable", "output"]) {
      for (const [name, [body]] of Object.entries(mod[kind] ?? {})) if (!body.description) missing.push(`${dir} ${kind} ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("infra/terraform: no sensitive variable has a default value", async () => {
  const offenders = [];
  let sensitive = 0;
  for (const { file, json } of await parseTerraform()) {
    for (const [name, [body]] of Object.entries(json.variable ?? {})) {
      if (body.sensitive !== true) continue;
      sensitive++;
      if ("default" in body) offenders.push(`${file} ${name} = ${JSON.stringify(body.default)}`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(sensitive >= 1, "the HSM PIN secret reference is a sensitive variable");
});
