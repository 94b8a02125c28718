// Reads `perf script -F comm,pid,tid,ip,sym,dso` (recorded with -a -g) on stdin and splits CPU samples:
// per process (host, wrk, Azurite, other), and inside the host per subsystem, by the first matching frame of each
// stack (ordered rules below). Prints JSON. Usage: node perf-split.mjs HOST_PID [AZURITE_PID] [WRK_BENCHJSON]
import { createInterface } from "node:readline";

const [hostPid, wrkJson] = [process.argv[2], process.argv[3]];
const wrk = wrkJson ? JSON.parse(wrkJson) : null;

// Ordered: the first rule that matches any frame of a host sample names its subsystem.
const rules = [
  ["HSM (SoftHSM2 C_Sign/C_Decrypt/C_Encrypt, incl. its OpenSSL math)", (f) => /libsofthsm2/.test(f.dso)],
  ["PKCS#11 interop/adapter (HsmToken, Pkcs11Interop marshalling)", (f) => /Net\.Pkcs11Interop|HsmVault\.Hsm\./.test(f.sym)],
  ["token validation (JWT parse + RSA signature verify, claims)", (f) => /BearerTokenValidator|Microsoft\.IdentityModel|JsonWebToken/.test(f.sym)],
  ["TLS (SslStream + libssl record encrypt/decrypt)", (f) => /libssl/.test(f.dso) || /SslStream|System\.Net\.Security/.test(f.sym)],
  ["Table storage client (Azure.Data.Tables/Azure.Core/HttpClient to Azurite)", (f) => /Azure\.Data\.Tables|Azure\.Core|Azure\.Response|System\.Net\.Http|HsmVault\.Keys\.KeyStore/.test(f.sym)],
  ["audit (AuditLog queue + batch writer)", (f) => /HsmVault\.Audit/.test(f.sym)],
  ["policy + vault lookup", (f) => /HsmVault\.Access|HsmVault\.Vaults/.test(f.sym)],
  ["Polly resilience pipelines", (f) => /^Polly/.test(f.sym)],
  ["JSON (System.Text.Json, request/response bodies)", (f) => /System\.Text\.Json/.test(f.sym)],
  ["Kestrel / ASP.NET Core / function routing", (f) => /Microsoft\.AspNetCore|HsmVault\.Hosting|Microsoft\.Extensions/.test(f.sym)],
  ["GC", (f) => /libclrgc|WKS::|SVR::|gc_heap|GCHeap|GarbageCollect|memclr|JIT_New|Alloc/.test(f.sym + " " + f.dso)],
  ["libcrypto with unresolved caller (JWT verify or TLS or HSM math)", (f) => /libcrypto/.test(f.dso)],
  ["kernel (sockets, syscalls, scheduling)", (f) => /kernel/.test(f.dso)],
  ["JIT / runtime / other native", (f) => /libcoreclr|libclrjit|libSystem|libc\.so|ld-linux/.test(f.dso)],
];

const perProcess = new Map(), perSub = new Map(), hostLeaf = new Map();
let total = 0, host = 0, header = null, frames = [];
const bump = (m, k, n = 1) => m.set(k, (m.get(k) || 0) + n);

function flush() {
  if (!header) return;
  total++;
  const m = /^\s*(.+?)\s+(\d+)\/(\d+)/.exec(header);
  const comm = m ? m[1] : "?", pid = m ? m[2] : "?";
  let proc;
  if (pid === hostPid) proc = "vault host (dotnet)";
  else if (/^wrk/.test(comm)) proc = "wrk (load generator)";
  else if (/^node|azurite/.test(comm)) proc = "node (Azurite Table storage)";
  else if (/swapper/.test(comm)) proc = "idle";
  else proc = `other (${comm})`;
  bump(perProcess, proc);
  if (pid === hostPid) {
    host++;
    const rule = rules.find(([, test]) => frames.some(test));
    bump(perSub, rule ? rule[0] : "other managed code");
    if (frames[0]) bump(hostLeaf, `${frames[0].sym} [${frames[0].dso.replace(/^.*\//, "")}]`);
  }
  header = null; frames = [];
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line.trim() === "") { flush(); continue; }
  if (!/^\s/.test(line)) { flush(); header = line; continue; }
  const fm = /^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line);
  if (fm) frames.push({ sym: fm[1], dso: fm[2] });
}
flush();

const pct = (n, d) => Math.round((1000 * n) / Math.max(1, d)) / 10;
const sorted = (m, d) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => ({ name: k, samples: n, pct: pct(n, d) }));
console.log(JSON.stringify({
  samples: total, host_samples: host,
  wrk_rps: wrk ? wrk.requests / (wrk.duration_us / 1e6) : null,
  processes: sorted(perProcess, total),
  host_subsystems: sorted(perSub, host),
  host_top_leaf: sorted(hostLeaf, host).slice(0, 25),
}, null, 1));
