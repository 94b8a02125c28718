// A vault's audit records (auditor or operator role): filters by time range (a preset or a custom from/to in UTC), key,
// caller, operation and result; a table newest first, paged with the service's nextLink. Everything a record holds is shown
// as text, never as HTML.
import { useState } from "preact/hooks";
import { DataTable, href, useLoad } from "./ui.jsx";

export const RANGES = { "1h": ["Last hour", 1], "24h": ["Last 24 hours", 24], "7d": ["Last 7 days", 24 * 7], "31d": ["Last 31 days", 24 * 31] };
export const OPERATIONS = ["KeyCreate", "KeyImport", "KeyGet", "KeyList", "KeyListVersions", "KeyUpdate", "KeyDelete", "KeyRecover",
  "KeyPurge", "KeyBackup", "KeyRestore", "KeyRotate", "KeyRotationPolicyGet", "KeyRotationPolicySet", "KeySign", "KeyVerify",
  "KeyEncrypt", "KeyDecrypt", "KeyWrap", "KeyUnwrap", "SecretSet", "SecretGet", "SecretList", "SecretListVersions", "SecretUpdate",
  "SecretDelete", "SecretRecover", "SecretPurge", "SecretBackup", "SecretRestore", "VaultGet", "Unauthenticated"];
const PAGE_SIZES = [5, 25, 100];
const CUSTOM = "custom";

/**
 * Who made a record's request: the UPN, else the object id, else the application id; "–" before authentication. The claims are
 * keyed by Key Vault's claim URIs (…/claims/objectidentifier, …/claims/upn), matched by their last segment.
 */
export function callerOf(record) {
  const claims = Object.entries(record.identity?.claim ?? {});
  const claim = (name) => claims.find(([k]) => k === name || k.endsWith(`/${name}`))?.[1];
  return claim("upn") ?? claim("objectidentifier") ?? claim("appid") ?? "–";
}

/** "keys/name/version" of a record's object, or "" for vault-wide operations. */
export function objectOf(record) {
  try {
    return new URL(record.properties?.id ?? "").pathname.replace(/^\/+|\/+$/g, "");
  } catch {
    return "";
  }
}

const iso = (t) => t.toISOString();
/** A time as a datetime-local value in UTC, to the second ("2026-12-02T19:20:05"). */
const utcInput = (t) => iso(t).slice(0, 19);
/** A datetime-local value read as UTC ("…T19:20" or "…T19:20:05"); null when empty or malformed. */
const fromUtcInput = (v) => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v ?? "")) return null;
  const t = new Date(`${v.length === 16 ? `${v}:00` : v}Z`);
  return Number.isNaN(t.getTime()) ? null : t;
};
const shownTime = (s) => (s ?? "").replace("T", " ").replace(/(\.\d+)?Z$/, " UTC").replace(/(\.\d+)?\+00:00$/, " UTC");

export function AuditPage({ api, vault, initialKey }) {
  const blank = { range: "24h", from: "", to: "", key: initialKey ?? "", caller: "", operation: "", result: "", size: 25 };
  const [form, setForm] = useState(blank);
  const [applied, setApplied] = useState(() => withTimes(blank));
  // Pages already seen, to step back: each entry is the nextLink that fetched it (null for the first page).
  const [pages, setPages] = useState([null]);
  const link = pages[pages.length - 1];
  const list = useLoad(async () => {
    const body = link ? await api.auditPage(link) : await api.auditRecords(vault, {
      start: applied.start, end: applied.end, object: applied.key ? `keys/${applied.key}` : "", caller: applied.caller,
      operation: applied.operation, result: applied.result, maxresults: applied.size,
    });
    return { records: body?.value ?? [], next: body?.nextLink ?? null };
  }, [api, vault, applied, link]);

  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value });
  // Choosing "Custom range" starts from the last 24 hours, to be narrowed.
  const setRange = (e) => {
    const range = e.currentTarget.value;
    const now = new Date();
    setForm(range === CUSTOM && !form.from && !form.to
      ? { ...form, range, from: utcInput(new Date(now.getTime() - 24 * 3600_000)), to: utcInput(now) }
      : { ...form, range });
  };
  const apply = (e) => {
    e.preventDefault();
    setApplied(withTimes(form));
    setPages([null]);
  };
  const reset = () => {
    setForm(blank);
    setApplied(withTimes(blank));
    setPages([null]);
  };
  const filtersText = describe(applied);

  return (
    <>
      <h2>Audit</h2>
      <p class="muted">Every request to this vault, newest first, as the audit log stored it before the vault answered.</p>
      <form class="filters" onSubmit={apply} aria-label="Audit filters">
        <div>
          <label for="audit-range">Time range</label>
          <select id="audit-range" value={form.range} onChange={setRange}>
            {Object.entries(RANGES).map(([id, [label]]) => <option key={id} value={id}>{label}</option>)}
            <option value={CUSTOM}>Custom range</option>
          </select>
        </div>
        {form.range === CUSTOM ? (
          <>
            <div>
              <label for="audit-from">From (UTC)</label>
              <input id="audit-from" type="datetime-local" step="1" required value={form.from} onInput={set("from")} />
            </div>
            <div>
              <label for="audit-to">To (UTC)</label>
              <input id="audit-to" type="datetime-local" step="1" required value={form.to} onInput={set("to")} />
            </div>
          </>
        ) : null}
        <div>
          <label for="audit-key">Key</label>
          <input id="audit-key" value={form.key} onInput={set("key")} placeholder="any key" autocomplete="off" />
        </div>
        <div>
          <label for="audit-caller">Caller</label>
          <input id="audit-caller" value={form.caller} onInput={set("caller")} placeholder="object id, app id or UPN" autocomplete="off" />
        </div>
        <div>
          <label for="audit-operation">Operation</label>
          <select id="audit-operation" value={form.operation} onChange={set("operation")}>
            <option value="">Any operation</option>
            {OPERATIONS.map((op) => <option key={op} value={op}>{op}</option>)}
          </select>
        </div>
        <div>
          <label for="audit-result">Result</label>
          <select id="audit-result" value={form.result} onChange={set("result")}>
            <option value="">Any result</option>
            <option value="Success">Success</option>
            <option value="Failure">Failure</option>
            <option value="AccessDenied">AccessDenied</option>
          </select>
        </div>
        <div>
          <label for="audit-size">Per page</label>
          <select id="audit-size" value={form.size} onChange={set("size")}>
            {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">Apply filters</button>
          <button type="button" onClick={reset}>Reset</button>
        </div>
      </form>
      <p class="muted" aria-live="polite">Showing {filtersText}.</p>
      <DataTable list={{ ...list, data: list.data?.records }} what="audit records"
        empty={`No audit records: ${filtersText}.`} caption={`Audit records of vault ${vault}`}
        columns={["Time", "Operation", "Result", "Caller", "Object", "Address?", "Client?"]}
        row={(r) => (
          <tr key={`${r.hsmvault?.chain}-${r.hsmvault?.seq}-${r.correlationId}`}>
            <td class="nowrap">{shownTime(r.time)}</td>
            <td>{r.operationName}</td>
            <td>{r.resultType === "Success" ? <span class="badge on">Success</span>
              : <span class="badge off">{r.resultDescription || r.resultSignature || r.resultType}</span>} <span class="muted">{r.properties?.httpStatusCode}</span></td>
            <td class="wrap">{callerOf(r)}</td>
            <td class="wrap">{objectOf(r) ? <code>{objectOf(r)}</code> : <span class="muted">vault</span>}</td>
            <td class="opt">{r.callerIpAddress}</td>
            <td class="opt wrap">{r.properties?.clientInfo}</td>
          </tr>
        )} />
      {list.data && (pages.length > 1 || list.data.next) ? (
        <nav class="pager" aria-label="Audit pages">
          <button type="button" disabled={pages.length <= 1 || list.loading} onClick={() => setPages(pages.slice(0, -1))}>Newer</button>
          <span>Page {pages.length}</span>
          <button type="button" disabled={!list.data.next || list.loading} onClick={() => setPages([...pages, list.data.next])}>Older</button>
        </nav>
      ) : null}
      {applied.key ? <p><a href={href("vaults", vault, "usage", applied.key)}>Usage of key {applied.key}</a></p> : null}
    </>
  );
}

/**
 * The filter with its time range fixed: a preset ends now, so paging through it reads one consistent range; a custom range is
 * the from/to typed, in UTC, "to" taking in the whole second it names. The service checks the range (from before to, at most
 * 31 days) and its message is shown in the page.
 */
function withTimes(form) {
  if (form.range === CUSTOM) {
    const from = fromUtcInput(form.from);
    const to = fromUtcInput(form.to);
    return { ...form, start: from ? iso(from) : form.from, end: to ? iso(new Date(to.getTime() + 999)) : form.to };
  }
  const end = new Date();
  return { ...form, start: iso(new Date(end.getTime() - RANGES[form.range][1] * 3600_000)), end: iso(end) };
}

function describe(f) {
  const shown = (v) => (fromUtcInput(v) ? utcInput(fromUtcInput(v)) : v).replace("T", " ");
  const parts = [f.range === CUSTOM ? `from ${shown(f.from)} to ${shown(f.to)} UTC` : RANGES[f.range][0].toLowerCase()];
  if (f.key) parts.push(`key ${f.key}`);
  if (f.caller) parts.push(`caller ${f.caller}`);
  if (f.operation) parts.push(`operation ${f.operation}`);
  if (f.result) parts.push(`result ${f.result}`);
  return parts.join(", ");
}
