// infra/bicep: builds and lints clean with the pinned Bicep CLI, main.json is the build of main.bicep,
// every parameter is documented and no secure parameter has a default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bicep, bicepDiagnostics, bicepDir, buildBicep, filesUnder, mainTemplate, normalizeArm, rel } from "../lib/infra.mjs";

const bicepFiles = filesUnder(bicepDir, ".bicep").map((f) => f.slice(bicepDir.length + 1));

test("infra/bicep: every .bicep builds with no error or warning", () => {
  const { status, output, templates } = buildBicep();
  assert.deepEqual(bicepDiagnostics(output), [], output);
  assert.equal(status, 0, output);
  const expected = bicepFiles.map((f) => f.replace(/\.bicep$/, ".json")).sort();
  assert.deepEqual(Object.keys(templates).sort(), expected, "one ARM template per .bicep");
});

test("infra/bicep: every .bicep lints with no diagnostic (bicep lint, SARIF)", () => {
  const { status, output } = bicep("lint", "--pattern", "**/*.bicep", "--diagnostics-format", "Sarif");
  // One SARIF document per file, printed back to back.
  const docs = JSON.parse(`[${output.trim().replace(/^[^{]*/, "").replace(/\}\{/g, "},{")}]`);
  assert.equal(docs.length, bicepFiles.length, `one SARIF report per .bicep: ${output}`);
  const results = docs.flatMap((d) => d.runs).flatMap((r) => r.results ?? []).map((r) =>
    `${r.level} ${r.ruleId} ${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}:${r.locations?.[0]?.physicalLocation?.region?.startLine} ${r.message.text}`);
  assert.deepEqual(results, []);
  assert.equal(status, 0, output);
  assert.ok(bicepFiles.length >= 2, `found ${bicepFiles.join(", ")}`);
});

test("infra/bicep/main.json is the current build of main.bicep (bicep build infra/bicep/main.bicep)", () => {
  const committed = JSON.parse(readFileSync(join(bicepDir, "main.json"), "utf8"));
  const fresh = mainTemplate();
  assert.ok(fresh, "main.bicep did not build");
  assert.deepEqual(normalizeArm(committed), normalizeArm(fresh),
    `${rel(join(bicepDir, "main.json"))} is stale: run the Bicep CLI 'build main.bicep' in infra/bicep and commit main.json`);
});

test("infra/bicep: every parameter and output of every template has a description", () => {
  const missing = [];
  for (const [file, t] of Object.entries(buildBicep().templates)) {
    for (const [name, p] of Object.entries(t.parameters ?? {})) if (!p.metadata?.description) missing.push(`${file} param ${name}`);
    if (file === "main.json") {
      for (const [name, o] of Object.entries(t.outputs ?? {})) if (!o.metadata?.description) missing.push(`${file} output ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("infra/bicep: no secure parameter has a default value", () => {
  const offenders = [];
  let secure = 0;
  mainTemplate();
  for (const [file, t] of Object.entries(buildBicep().templates)) {
    for (const [name, p] of Object.entries(t.parameters ?? {})) {
      if (!/^secure(string|object)$/i.test(p.type)) continue;
      secure++;
      if ("defaultValue" in p) offenders.push(`${file} ${name} = ${JSON.stringify(p.defaultValue)}`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(secure >= 1, "the HSM PIN secret reference is a secure parameter");
});
