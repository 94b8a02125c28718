// Reads `perf script -F comm,pid,tid,ip,sym,dso` (recorded with -a -g) on stdin and splits CPU samples:
// per process (host, wrk, Azurite, other), and inside the host per subsystem, by the first matching frame of each
// stack (ordered rules below). Prints JSON. Usage: node perf-split.mjs HOST_PID AZURITE_PID [WRK_BENCHJSON]
import { createInterface } from "node:readline";

const [hostPid, azuritePid, wrkJson] = process.argv.slice(2);
const wrk = wrkJson ? JSON.parse(wrkJson) : null;

// Ordered: the first rule that matches any frame of a host sample names its subsystem.
const rules = [
  ["HSM: SoftHSM2 (RSA/EC/AES math in its OpenSSL, object lookup, locking)", (f) => /libsofthsm2/.test(f.dso)],
  ["PKCS#11 interop + adapter (Pkcs11Interop marshalling, HsmToken, SessionPool)", (f) => /Net\.Pkcs11Interop|HsmVault\.Hsm\./.test(f.sym)],
  ["TLS (SslStream, libssl record encryption/decryption)", (f) => /libssl/.test(f.dso) || /SslStream|System\.Net\.Security/.test(f.sym)],
  ["token validation (JWT parse, RS256 signature verify, claims)", (f) => /BearerTokenValidator|Microsoft\.IdentityModel|JsonWebToken/.test(f.sym)],
  ["other crypto via .NET's OpenSSL shim (e.g. SharedKey HMAC for Table requests, hashing)", (f) => /System\.Security\.Cryptography\.Native/.test(f.dso) || /System\.Security\.Cryptography/.test(f.sym)],
  ["Table storage client (Azure.Data.Tables, Azure.Core, HttpClient to Azurite)", (f) => /Azure\.Data\.Tables|Azure\.Core|Azure\.Response|System\.Net\.Http|HsmVault\.Keys\.KeyStore/.test(f.sym)],
  ["audit (AuditLog queue, AuditEntity, batch writer)", (f) => /HsmVault\.Audit/.test(f.sym)],
  ["policy + vault lookup (cached)", (f) => /HsmVault\.Access|HsmVault\.Vaults/.test(f.sym)],
  ["Polly resilience pipelines", (f) => /\bPolly\./.test(f.sym)],
  ["JSON (System.Text.Json)", (f) => /System\.Text\.Json/.test(f.sym)],
  ["Kestrel / ASP.NET Core / routing / pipeline", (f) => /Microsoft\.AspNetCore|HsmVault\.Hosting|HsmVault\.Pipeline|Microsoft\.Extensions/.test(f.sym)],
  ["sockets / threadpool / async machinery (System.Net.Sockets, System.Threading)", (f) => /System\.Net\.Sockets|System\.Threading|System\.Runtime\.CompilerServices/.test(f.sym)],
  ["GC and allocation", (f) => /libclrgc|WKS::|SVR::|gc_heap|GCHeap|GarbageCollect|JIT_New|Allocat/.test(f.sym + " " + f.dso)],
  ["libcrypto, caller not unwound", (f) => /libcrypto/.test(f.dso)],
  ["kernel (network stack, syscalls, scheduling)", (f) => /kernel/.test(f.dso)],
  ["runtime / libc / other native", (f) => /libcoreclr|libclrjit|libSystem|libc\.so|ld-linux/.test(f.dso)],
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
  else if (pid === azuritePid) proc = "Azurite (Table storage, node)";
  else if (/swapper/.test(comm)) proc = "idle";
  else proc = "other processes (not part of this benchmark)";
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
