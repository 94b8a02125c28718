// Usage of a vault's keys (auditor or operator role), from the service's usage aggregates: without a key, every key with its
// operations and last use; for one key, operations per hour over 24 hours and per day over 7 days, by caller, as a chart with
// the same figures in a table.
import { DataTable, ErrorBanner, Loading, href, useLoad } from "./ui.jsx";
import { UsageChart, buckets } from "./chart.jsx";

const HOUR = 3600_000;

export function UsagePage({ api, vault, keyName }) {
  return keyName ? <KeyUsage api={api} vault={vault} keyName={keyName} /> : <VaultUsage api={api} vault={vault} />;
}

function VaultUsage({ api, vault }) {
  const usage = useLoad(() => api.auditUsage(vault, range(24 * 7, "day")), [api, vault]);
  const rows = usage.data ? [
    ...usage.data.keys.map((k) => ({ key: k.key, total: k.usage.reduce((n, u) => n + u.count, 0), lastUse: k.lastUse })),
    ...usage.data.unusedKeys.filter((k) => !usage.data.keys.some((u) => u.key === k)).map((k) => ({ key: k, total: 0, lastUse: null })),
  ] : undefined;
  return (
    <>
      <h2>Key usage</h2>
      <p class="muted">Operations on each key over the last 7 days. Pick a key for its chart by hour and by day.</p>
      <DataTable list={{ ...usage, data: rows }} what="usage" empty="No key of this vault was used in the last 7 days."
        caption={`Key usage in vault ${vault}`} columns={["Key", "Operations (7 days)", "Last use"]}
        row={(r) => {
          const name = r.key.replace(/^keys\//, "");
          return (
            <tr key={r.key}>
              <td><a href={href("vaults", vault, "usage", name)}>{name}</a></td>
              <td>{r.total}</td>
              <td>{r.lastUse ? shown(r.lastUse) : <span class="muted">not used in 30 days</span>}</td>
            </tr>
          );
        }} />
    </>
  );
}

function KeyUsage({ api, vault, keyName }) {
  const hourly = useLoad(() => api.auditUsage(vault, range(24, "hour")), [api, vault, keyName]);
  const daily = useLoad(() => api.auditUsage(vault, range(24 * 7, "day")), [api, vault, keyName]);
  return (
    <>
      <p class="crumbs"><a href={href("vaults", vault, "usage")}>Usage</a> / <span>{keyName}</span></p>
      <h2>Usage of key {keyName}</h2>
      <p><a href={href("vaults", vault, "audit", keyName)}>Audit records of this key</a></p>
      <Period title="Per hour, last 24 hours" id="hourly" load={hourly} keyName={keyName} count={24} step="hour" />
      <Period title="Per day, last 7 days" id="daily" load={daily} keyName={keyName} count={7} step="day" />
    </>
  );
}

function Period({ title, id, load, keyName, count, step }) {
  const entry = load.data?.keys.find((k) => k.key === `keys/${keyName.toLowerCase()}`);
  const usage = entry?.usage ?? [];
  const data = load.data ? buckets(usage, new Date(load.data.end), count, step) : null;
  const total = usage.reduce((n, u) => n + u.count, 0);
  return (
    <section class="usage" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {load.loading ? <Loading what="Loading usage" /> : null}
      <ErrorBanner error={load.error} />
      {data && total === 0 ? <p class="empty">Key {keyName} was not used in this period.</p> : null}
      {data && total > 0 ? (
        <>
          <p class="muted">{total} operations{entry?.lastUse ? `, last ${shown(entry.lastUse)}` : ""}.</p>
          <UsageChart id={id} data={data} label={`Operations on key ${keyName}, ${title.toLowerCase()}, by caller`} step={step} />
          <details class="panel">
            <summary>The figures as a table</summary>
            <div class="table-wrap">
              <table>
                <caption class="sr-only">{`Usage of key ${keyName}, ${title.toLowerCase()}`}</caption>
                <thead><tr><th scope="col">Period</th><th scope="col">Caller</th><th scope="col">Operation</th><th scope="col">Result</th><th scope="col">Count</th></tr></thead>
                <tbody>
                  {usage.map((u) => (
                    <tr key={`${u.period}|${u.caller}|${u.operation}|${u.result}`}>
                      <td class="nowrap">{shown(u.period)}</td><td class="wrap">{u.caller}</td><td>{u.operation}</td><td>{u.result}</td><td>{u.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </section>
  );
}

/** The last `hours` hours up to now, at a granularity; day ranges start at midnight UTC so there are exactly 7 days. */
function range(hours, granularity) {
  const end = new Date();
  let start = new Date(end.getTime() - hours * HOUR + (granularity === "hour" ? HOUR : 0));
  if (granularity === "day") start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1));
  else start.setUTCMinutes(0, 0, 0);
  return { start: start.toISOString(), end: end.toISOString(), granularity };
}

const shown = (s) => (s ?? "").replace("T", " ").replace(/(\.\d+)?(Z|\+00:00)$/, " UTC");
