// Access policies of a vault (operator role): the entries, a grant with a permission picker and an optional key scope, revoke.
import { useState } from "preact/hooks";
import { ConfirmButton, DataTable, ErrorBanner, Status, useAction, useLoad } from "./ui.jsx";

const KEY_PERMISSIONS = ["get", "list", "create", "import", "update", "delete", "recover", "backup", "restore", "purge",
  "encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "rotate", "getrotationpolicy", "setrotationpolicy", "release"];
const SECRET_PERMISSIONS = ["get", "list", "set", "delete", "recover", "backup", "restore", "purge"];

export function AccessPage({ api, vault }) {
  const list = useLoad(() => api.listPolicies(vault), [api, vault]);
  const [status, setStatus] = useState("");
  const action = useAction(() => list.reload());
  const revoke = (p) =>
    action.run(async () => {
      await api.deletePolicy(vault, p.objectId, p.key);
      setStatus(`Access of ${p.objectId}${p.key ? ` to ${p.key}` : ""} revoked.`);
    });
  return (
    <>
      <Grant api={api} vault={vault} onGranted={(oid) => { setStatus(`Access granted to ${oid}.`); list.reload(); }} />
      <h2>Access policies</h2>
      <Status message={status} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <DataTable list={list} what="access policies" empty="Nobody has access to this vault yet." caption={`Access policies of vault ${vault}`}
        columns={["Object id", "Scope", "Key permissions", "Secret permissions", "Actions"]}
        row={(p) => (
          <tr key={`${p.objectId}/${p.key ?? "*"}`}>
            <td class="mono">{p.objectId}{p.applicationId ? <span class="muted"> (app {p.applicationId})</span> : null}</td>
            <td>{p.key ? <span>key <code>{p.key}</code></span> : "whole vault"}</td>
            <td>{(p.permissions?.keys ?? []).join(", ") || "–"}</td>
            <td>{(p.permissions?.secrets ?? []).join(", ") || "–"}</td>
            <td class="actions">
              <ConfirmButton label="Revoke" disabled={action.busy} title={`Revoke access of ${p.objectId}?`}
                message={`Its ${p.key ? `grant on ${p.key}` : "vault-wide grant"} is removed; every instance refuses it within a second.`}
                onConfirm={() => revoke(p)} />
            </td>
          </tr>
        )} />
    </>
  );
}

function Grant({ api, vault, onGranted }) {
  const [objectId, setObjectId] = useState("");
  const [key, setKey] = useState("");
  const [keys, setKeys] = useState(new Set(["get", "list"]));
  const [secrets, setSecrets] = useState(new Set());
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      await api.putPolicy(vault, objectId.trim(), key.trim() || null, {
        permissions: { keys: [...keys], ...(key.trim() ? {} : { secrets: [...secrets] }) },
      });
      onGranted(objectId.trim());
    });
  };
  return (
    <details class="panel">
      <summary>Grant access</summary>
      <form onSubmit={submit}>
        <div class="grid">
          <label for="grant-oid">Object id (user, app, managed identity or group)</label>
          <input id="grant-oid" required class="mono" value={objectId} onInput={(e) => setObjectId(e.currentTarget.value)} autocomplete="off" />
          <label for="grant-key">Only for the key (optional: a name or a prefix*)</label>
          <input id="grant-key" value={key} onInput={(e) => setKey(e.currentTarget.value)} autocomplete="off" />
        </div>
        <Picker legend="Key permissions" names={KEY_PERMISSIONS} selected={keys} onChange={setKeys} id="kp" />
        {key.trim() ? <p class="muted">A key-scoped entry grants key permissions only.</p>
          : <Picker legend="Secret permissions" names={SECRET_PERMISSIONS} selected={secrets} onChange={setSecrets} id="sp" />}
        <div class="form-actions"><button type="submit" class="primary" disabled={action.busy}>{action.busy ? "Granting…" : "Grant"}</button></div>
      </form>
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </details>
  );
}

function Picker({ legend, names, selected, onChange, id }) {
  const toggle = (name) => {
    const next = new Set(selected);
    next.has(name) ? next.delete(name) : next.add(name);
    onChange(next);
  };
  return (
    <fieldset class="picker">
      <legend>{legend}</legend>
      <div class="picker-actions">
        <button type="button" class="small" onClick={() => onChange(new Set(names))}>All</button>
        <button type="button" class="small" onClick={() => onChange(new Set())}>None</button>
      </div>
      {names.map((name) => (
        <label key={name} class="check" for={`${id}-${name}`}>
          <input type="checkbox" id={`${id}-${name}`} checked={selected.has(name)} onChange={() => toggle(name)} /> {name}
        </label>
      ))}
    </fieldset>
  );
}
