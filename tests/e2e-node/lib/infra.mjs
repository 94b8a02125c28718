// Helpers of the infrastructure checks (tests/e2e-node/test/infra-*.test.mjs): the Bicep CLI, the HCL parser,
// and readers that turn infra/bicep, infra/terraform, infra/app-settings.json and the app's option classes
// into plain data the tests compare. Nothing here talks to Azure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseHcl } from "@cdktf/hcl2json";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const bicepDir = join(repo, "infra/bicep");
export const terraformDir = join(repo, "infra/terraform");
export const BICEP_VERSION = "0.49.2";

const hint = "run 'bash infra/local/ensure-deps.sh --tests' (it restores NuGet Azure.Bicep.CommandLine.linux-x64 into .local/tools)";

/** Path of the Bicep CLI: $HSMVAULT_BICEP, else the one ensure-deps.sh restored. Throws with an install hint. */
export function bicepPath() {
  const path = process.env.HSMVAULT_BICEP
    || join(repo, ".local/tools/nuget/azure.bicep.commandline.linux-x64", BICEP_VERSION, "tools/bicep");
  if (!existsSync(path)) throw new Error(`Bicep CLI not found at ${path}: ${hint}`);
  return path;
}

/** Runs the Bicep CLI in infra/bicep; returns { status, output } (stdout + stderr). */
export function bicep(...args) {
  const r = spawnSync(bicepPath(), args, { cwd: bicepDir, encoding: "utf8", env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } });
  if (r.error) throw new Error(`bicep ${args.join(" ")} failed to start: ${r.error.message}; ${hint}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Every file under dir (recursively) whose name ends with ext, skipping bin/obj/node_modules/.terraform. */
export function filesUnder(dir, ext) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["bin", "obj", "node_modules", ".terraform"].includes(entry.name)) out.push(...filesUnder(path, ext));
    } else if (entry.name.endsWith(ext)) out.push(path);
  }
  return out.sort();
}

export const rel = (path) => relative(repo, path);

/**
 * Builds every .bicep under infra/bicep into a temporary directory.
 * Returns { status, output, templates: { "main.json": {...}, "modules/x.json": {...} } }.
 */
let built;
export function buildBicep() {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), "hsmvault-bicep-"));
  try {
    const { status, output } = bicep("build", "--pattern", "**/*.bicep", "--outdir", out);
    const templates = {};
    for (const file of filesUnder(out, ".json")) templates[relative(out, file)] = JSON.parse(readFileSync(file, "utf8"));
    built = { status, output, templates };
    return built;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The ARM template built from main.bicep; throws when infra/bicep did not build. */
export function mainTemplate() {
  const { templates, output } = buildBicep();
  if (!templates["main.json"]) throw new Error(`infra/bicep/main.bicep did not build:\n${output}`);
  return templates["main.json"];
}

/** Lines of Bicep output that are diagnostics (warnings, errors, infos). */
export const bicepDiagnostics = (output) => output.split("\n").filter((l) => /: (Error|Warning|Info) /.test(l));

/** An ARM template without what changes with the compiler build (generator version, template hashes). */
export function normalizeArm(template) {
  return JSON.parse(JSON.stringify(template), (key, value) => (key === "_generator" ? undefined : value));
}

/** Walks an ARM template and its nested deployments; calls visit(resource, template) for every resource. */
export function walkArm(template, visit) {
  const resources = Array.isArray(template.resources) ? template.resources : Object.values(template.resources ?? {});
  for (const resource of resources) {
    visit(resource, template);
    const nested = resource.properties?.template;
    if (resource.type === "Microsoft.Resources/deployments" && nested) walkArm(nested, visit);
  }
}

/** Parses every .tf under infra/terraform: [{ file, json }] (file relative to infra/terraform). */
const parsedTf = new Map();
export async function parseTerraform() {
  const out = [];
  for (const file of filesUnder(terraformDir, ".tf")) {
    if (!parsedTf.has(file)) parsedTf.set(file, await parseHcl(file, readFileSync(file, "utf8")));
    out.push({ file: relative(terraformDir, file), json: parsedTf.get(file) });
  }
  return out;
}

/** Blocks of one kind ("variable", "output", "resource", …) of the .tf files in one module directory. */
export async function terraformModule(dir = "") {
  const files = (await parseTerraform()).filter((f) => dirname(f.file) === (dir || "."));
  const merged = {};
  for (const { json } of files) {
    for (const [kind, blocks] of Object.entries(json)) {
      merged[kind] ??= {};
      if (kind === "locals") {
        for (const l of blocks) Object.assign(merged[kind], l);
      } else if (kind === "resource" || kind === "data") {
        for (const [type, byName] of Object.entries(blocks)) {
          merged[kind][type] ??= {};
          Object.assign(merged[kind][type], byName);
        }
      } else if (Array.isArray(blocks)) {
        merged[kind] = [...(Array.isArray(merged[kind]) ? merged[kind] : []), ...blocks];
      } else Object.assign(merged[kind], blocks);
    }
  }
  return merged;
}

/** All resource blocks of every .tf: [{ type, name, body, file }]. */
export async function terraformResources() {
  const out = [];
  for (const { file, json } of await parseTerraform()) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, bodies] of Object.entries(byName)) for (const body of bodies) out.push({ type, name, body, file });
    }
  }
  return out;
}

export const camelToSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export const appSettingsList = () => JSON.parse(readFileSync(join(repo, "infra/app-settings.json"), "utf8"));

export const sampleSettings = () => JSON.parse(readFileSync(join(repo, "local.settings.sample.json"), "utf8")).Values;

/** Finds a nested template's resource of the given type: { resource, template }. */
export function findArmResource(template, type) {
  let found;
  walkArm(template, (resource, owner) => {
    if (!found && resource.type === type && !resource.existing) found = { resource, template: owner };
  });
  return found;
}

/** Names of the app settings Bicep gives the Function App (its baseSettings and optionalSettings variables). */
export function bicepAppSettingNames(mainTemplate) {
  const { resource, template } = findArmResource(mainTemplate, "Microsoft.Web/sites");
  const expr = resource.properties.siteConfig.appSettings;
  const vars = template.variables;
  const names = [];
  for (const v of ["baseSettings", "optionalSettings"]) {
    if (!JSON.stringify(vars.appSettings ?? expr).includes(`variables('${v}')`)) {
      throw new Error(`the site's appSettings do not use variables('${v}'): ${expr}`);
    }
    names.push(...vars[v].map((s) => s.name));
  }
  return names;
}

// ---- the configuration the app reads, from its C# sources ----

/** Parses the option classes of functions/ and hsm-adapter/: { sections: {Hsm: "HsmOptions"}, classes: {HsmOptions: {LibraryPath: "string"}}, directKeys: [...] }. */
export function appConfiguration() {
  const sources = [...filesUnder(join(repo, "functions"), ".cs"), ...filesUnder(join(repo, "hsm-adapter"), ".cs")]
    .map((f) => readFileSync(f, "utf8"));
  const classes = {};
  const constants = {}; // "Class.Name" -> { value, cls }
  const directKeys = new Set();
  for (const src of sources) {
    for (const m of src.matchAll(/\b(?:class|record)\s+(\w+)[^{;]*\{/g)) {
      const body = classBody(src, m.index + m[0].length - 1);
      const props = {};
      for (const p of body.matchAll(/public\s+(?:required\s+)?([\w<>?,.[\] ]+?)\s+(\w+)\s*\{\s*get;\s*(?:set|init);/g)) props[p[2]] = p[1].trim();
      classes[m[1]] = { ...(classes[m[1]] ?? {}), ...props };
      for (const c of body.matchAll(/const\s+string\s+(\w+)\s*=\s*"HsmVault:(\w+)"/g)) constants[`${m[1]}.${c[1]}`] = { value: c[2], cls: m[1] };
    }
    for (const k of src.matchAll(/"HsmVault:(\w+(?::\w+)+)"/g)) directKeys.add(k[1]);
  }
  const sections = {};
  const bind = (cls, constRef) => {
    const matches = constRef.includes(".")
      ? [constants[constRef]].filter(Boolean)
      : Object.entries(constants).filter(([k]) => k.endsWith(`.${constRef}`)).map(([, v]) => v);
    if (matches.length === 1) sections[matches[0].value] = cls;
  };
  for (const src of sources) {
    for (const m of src.matchAll(/Configure<(\w+)>\(\s*\w+\.GetSection\(\s*([\w.]+)\s*\)/g)) bind(m[1], m[2]);
    for (const m of src.matchAll(/AddOptions<(\w+)>\(\)\s*\.Bind\(\s*\w+\.GetSection\(\s*([\w.]+)\s*\)/g)) bind(m[1], m[2]);
    // Hosting's Settings.AddValidatedOptions<T>(configuration, Section, rules): bind and validate at start.
    for (const m of src.matchAll(/AddValidatedOptions<(\w+)>\(\s*\w+\s*,\s*([\w.]+)\s*,/g)) bind(m[1], m[2]);
  }
  // A section constant declared inside its own options class binds that class even where it is bound indirectly.
  for (const c of Object.values(constants)) if (!sections[c.value] && Object.keys(classes[c.cls] ?? {}).length) sections[c.value] = c.cls;
  return { sections, classes, directKeys: [...directKeys] };
}

function classBody(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === "{") depth++;
    else if (src[i] === "}" && --depth === 0) return src.slice(open + 1, i);
  }
  return src.slice(open + 1);
}

/** Whether the app binds the setting HsmVault__A__B__… (walks options classes, lists and indices). Returns null or a reason. */
export function whyNotRead(name, config) {
  const parts = name.split("__");
  if (parts[0] !== "HsmVault" || parts.length < 3) return "not an HsmVault__Section__Key name";
  if (config.directKeys.some((k) => k.toLowerCase() === parts.slice(1).join(":").toLowerCase())) return null;
  let cls = config.sections[parts[1]];
  if (!cls) return `no options class is bound to section HsmVault:${parts[1]}`;
  for (let i = 2; i < parts.length; i++) {
    const props = config.classes[cls] ?? {};
    const prop = Object.keys(props).find((p) => p.toLowerCase() === parts[i].toLowerCase());
    if (!prop) return `${cls} has no settable property ${parts[i]}`;
    let type = props[prop].replace(/\?$/, "");
    const list = type.match(/^(?:List|IList|IReadOnlyList|ICollection|IEnumerable)<(\w+)>$/) ?? type.match(/^(\w+)\[\]$/);
    if (list) {
      if (!/^\d+$/.test(parts[i + 1] ?? "")) return `${cls}.${prop} is a list: an index must follow`;
      i++;
      type = list[1];
    }
    if (config.classes[type] && Object.keys(config.classes[type]).length) {
      if (i === parts.length - 1) return `${cls}.${prop} is an object, not a value`;
      cls = type;
    } else if (i !== parts.length - 1) return `${cls}.${prop} is a value; ${parts.slice(i + 1).join("__")} cannot follow`;
  }
  return null;
}
