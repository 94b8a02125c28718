// Shared pieces of every page: loading and error states, confirmation, copy, tags, times. Text is always rendered as text
// (Preact escapes it); nothing here sets HTML.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** Runs an async load when its dependencies change; exposes data, error, loading and reload. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => mine === generation.current && setState({ loading: false, data }),
      (error) => mine === generation.current && setState({ loading: false, error }),
    );
  }, deps);
  useEffect(() => {
    run();
    return () => generation.current++;
  }, [run]);
  return { ...state, reload: run };
}

/** Runs one user action at a time with its own busy flag and error. */
export function useAction(onDone) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (action) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      onDone?.(result);
      return result;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

export function Loading({ what = "Loading" }) {
  return <p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" />{what}…</p>;
}

export function Empty({ children }) {
  return <p class="empty">{children}</p>;
}

/** The vault's own error, as it said it: status, code, message (a 403 names the missing permission). */
export function ErrorBanner({ error, onDismiss }) {
  if (!error) return null;
  const title =
    error.status === 403 ? "Access denied" : error.status === 401 ? "Not signed in" : error.status === 404 ? "Not found" : error.status ? "The vault refused the request" : "Error";
  return (
    <div class="error" role="alert">
      <strong>{title}</strong>
      {error.status ? <span class="code"> {error.status} {error.code}{error.inner ? ` / ${error.inner}` : ""}</span> : null}
      <p>{error.message}</p>
      {onDismiss ? <button type="button" class="link" onClick={onDismiss}>Dismiss</button> : null}
    </div>
  );
}

/** A modal confirmation (native dialog: focus is trapped, Escape cancels). */
export function ConfirmButton({ label, title, message, confirmLabel = label, onConfirm, danger = true, disabled }) {
  const dialog = useRef(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else if (dialog.current?.open) dialog.current.close();
  }, [open]);
  return (
    <>
      <button type="button" class={danger ? "danger" : ""} disabled={disabled} onClick={() => setOpen(true)}>{label}</button>
      {open ? (
        <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" onClose={() => setOpen(false)}>
          <h2 id="confirm-title">{title}</h2>
          <p>{message}</p>
          <div class="actions">
            <button type="button" onClick={() => setOpen(false)}>Cancel</button>
            <button type="button" class={danger ? "danger" : "primary"} onClick={() => { setOpen(false); onConfirm(); }}>{confirmLabel}</button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}

export function CopyButton({ text, label = "Copy" }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      setDone(false);
    }
  };
  return (
    <button type="button" class="small" onClick={copy}>
      {done ? "Copied" : label}
    </button>
  );
}

export function Tags({ tags }) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return <span class="muted">–</span>;
  return (
    <ul class="tags">
      {entries.map(([k, v]) => <li key={k}><span class="tag-name">{k}</span>=<span class="tag-value">{v}</span></li>)}
    </ul>
  );
}

/** Parses "name=value" lines into a tags object; returns [tags, problem]. */
export function parseTags(text) {
  const tags = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf("=");
    if (eq <= 0) return [null, `Tag line "${line}" is not name=value.`];
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return [tags, null];
}

export const tagsText = (tags) => Object.entries(tags ?? {}).map(([k, v]) => `${k}=${v}`).join("\n");

export function time(unixSeconds) {
  if (!unixSeconds) return "–";
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** A date input value (yyyy-mm-dd) from Unix seconds, and back (end of that day, UTC). */
export const dateInput = (unixSeconds) => (unixSeconds ? new Date(unixSeconds * 1000).toISOString().slice(0, 10) : "");
export const fromDateInput = (value) => (value ? Math.floor(Date.parse(`${value}T23:59:59Z`) / 1000) : null);

export const lastSegment = (id) => (id ?? "").split("/").filter(Boolean).pop() ?? "";
export const nameFromId = (id, kind) => {
  const parts = new URL(id).pathname.split("/").filter(Boolean);
  return parts[parts.indexOf(kind) + 1] ?? "";
};

export function Status({ message }) {
  return <p class="status" role="status" aria-live="polite">{message ?? ""}</p>;
}

export const href = (...parts) => "#/" + parts.map(encodeURIComponent).join("/");

export function vaultUri(config, name) {
  return name.toLowerCase() === config.defaultVault ? config.defaultVaultUri : config.vaultUriTemplate.replace("{vault}", name.toLowerCase());
}

/** Runs then(tags) when the "name=value" lines parse; otherwise shows why through setProblem. */
export function withTags(text, setProblem, then) {
  const [tags, problem] = parseTags(text);
  setProblem(problem);
  if (!problem) then(tags);
}

/**
 * A loaded list as a table: a loading indicator, the vault's error, an empty state, or the rows. Columns ending in "?" are
 * secondary and hidden on narrow screens.
 */
export function DataTable({ list, what, empty, caption, columns, row }) {
  return (
    <>
      {list.loading ? <Loading what={`Loading ${what}`} /> : null}
      <ErrorBanner error={list.error} />
      {list.data?.length === 0 ? <Empty>{empty}</Empty> : null}
      {list.data?.length ? (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{caption}</caption>
            <thead>
              <tr>{columns.map((c) => <th scope="col" key={c} class={c.endsWith("?") ? "opt" : undefined}>{c.replace(/\?$/, "")}</th>)}</tr>
            </thead>
            <tbody>{list.data.map(row)}</tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

/** Versions newest first (by created time). */
export const newestFirst = (items) => (items ? [...items].sort((a, b) => (b.attributes?.created ?? 0) - (a.attributes?.created ?? 0)) : items);

/** An object's enabled flag as a badge. */
export function Enabled({ attributes }) {
  return attributes?.enabled === false ? <span class="badge off">disabled</span> : <span class="badge on">enabled</span>;
}

/** A panel that opens by itself once it has something to show, then stays as the user leaves it (also when emptied). */
export function AutoOpenPanel({ summary, hasItems, children }) {
  const [open, setOpen] = useState(false);
  useEffect(() => { if (hasItems) setOpen(true); }, [hasItems]);
  return (
    <details class="panel" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}
