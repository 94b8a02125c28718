// Lifecycle of keys and secrets: deleted items (recover, purge), backup to a file and restore from one.
import { useState } from "preact/hooks";
import { ConfirmButton, DataTable, ErrorBanner, Status, nameFromId, time, useAction, useLoad } from "./ui.jsx";

const LABEL = { keys: "key", secrets: "secret" };

/** The deleted keys or secrets of a vault, each recoverable or purgeable (purge asks first: it destroys the HSM objects). */
export function DeletedItems({ data, kind, vault, onChange, generation }) {
  const ops = data.lifecycle(kind);
  const list = useLoad(() => ops.listDeleted(), [data, kind, generation]);
  const [status, setStatus] = useState("");
  const action = useAction(() => { list.reload(); onChange?.(); });
  const idOf = (item) => item.kid ?? item.id;
  return (
    <details class="panel" open={list.data?.length > 0}>
      <summary>Deleted {kind}{list.data?.length ? ` (${list.data.length})` : ""}</summary>
      <Status message={status} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <DataTable list={list} what={`deleted ${kind}`} empty={`No deleted ${kind}.`} caption={`Deleted ${kind} of vault ${vault}`}
        columns={["Name", "Deleted", "Purged on", "Actions"]}
        row={(item) => {
          const name = nameFromId(idOf(item), kind);
          return (
            <tr key={idOf(item)}>
              <td>{name}</td>
              <td>{time(item.deletedDate)}</td>
              <td>{time(item.scheduledPurgeDate)}</td>
              <td class="actions">
                <button type="button" disabled={action.busy}
                  onClick={() => action.run(async () => { await ops.recover(name); setStatus(`${LABEL[kind]} ${name} recovered.`); })}>Recover</button>
                <ConfirmButton label="Purge" disabled={action.busy} title={`Purge ${LABEL[kind]} ${name}?`}
                  message="Every version is destroyed for good, in the HSM too. This cannot be undone."
                  onConfirm={() => action.run(async () => { await ops.purge(name); setStatus(`${LABEL[kind]} ${name} purged.`); })} />
              </td>
            </tr>
          );
        }} />
    </details>
  );
}

const BYOK_TYPES = {
  "RSA-HSM": { kty: "RSA-HSM", key_ops: ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"] },
  "EC-HSM P-256": { kty: "EC-HSM", crv: "P-256", key_ops: ["sign", "verify"] },
  "EC-HSM P-384": { kty: "EC-HSM", crv: "P-384", key_ops: ["sign", "verify"] },
  "EC-HSM P-521": { kty: "EC-HSM", crv: "P-521", key_ops: ["sign", "verify"] },
  "oct-HSM": { kty: "oct-HSM", key_ops: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] },
};

/** Imports a .byok transfer blob (made in the customer's HSM for this vault's KEK); it is unwrapped inside the vault's HSM. */
export function ImportByok({ data, onImported }) {
  const [name, setName] = useState("");
  const [type, setType] = useState("RSA-HSM");
  const [file, setFile] = useState(null);
  const action = useAction(() => onImported(name));
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const blob = new Uint8Array(await file.arrayBuffer());
      return data.importKey(name, { key: { ...BYOK_TYPES[type], key_hsm: toBase64Url(blob) } });
    });
  };
  return (
    <details class="panel">
      <summary>Import a .byok file</summary>
      <form class="grid" onSubmit={submit}>
        <label for="byok-name">Name of the imported key</label>
        <input id="byok-name" required pattern="[0-9A-Za-z\-]{1,127}" value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        <label for="byok-type">Key type</label>
        <select id="byok-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {Object.keys(BYOK_TYPES).map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <label for="byok-file">Transfer blob (.byok)</label>
        <input id="byok-file" type="file" accept=".byok,application/json" required onChange={(e) => setFile(e.currentTarget.files[0] ?? null)} />
        <div class="form-actions"><button type="submit" class="primary" disabled={action.busy || !file}>{action.busy ? "Importing into the HSM…" : "Import"}</button></div>
      </form>
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </details>
  );
}

/** Restores a backup file (as written by Back up) into this vault. */
export function RestoreBackup({ data, kind, onRestored }) {
  const action = useAction(onRestored);
  const restore = (file) =>
    action.run(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      return data.lifecycle(kind).restore(toBase64Url(bytes));
    });
  return (
    <div class="inline">
      <label for={`restore-${kind}`}>Restore a {LABEL[kind]} from a backup file</label>
      <input id={`restore-${kind}`} type="file" disabled={action.busy} onChange={(e) => e.currentTarget.files[0] && restore(e.currentTarget.files[0])} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </div>
  );
}

/** The backup blob's bytes (Key Vault returns them base64url-encoded), as a file like az keyvault … backup writes. */
export function backupFile(value) {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function toBase64Url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
