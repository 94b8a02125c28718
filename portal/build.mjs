// Builds the portal into dist/: one ES module bundle (Preact + the app), the stylesheet and the page. No CDN, no
// run-time downloads: everything the browser loads comes from these files, served by the Function App under /portal/.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "src/main.jsx")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: false,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "app.css", "favicon.svg"]) cpSync(join(here, "src", file), join(out, file));
console.log(`portal built into ${out}`);
