// What keys and secrets share: the list page (list, restore from a backup file, deleted items with recover and purge) and
// the lifecycle toolbar of one object (back up to a file, delete). The kind ("keys" or "secrets") picks the REST paths.
import { useState } from "preact/hooks";
import { AutoOpenPanel, ConfirmButton, DataTable, ErrorBanner, Status, href, nameFromId, time, useAction, useLoad } from "./ui.jsx";
import { download } from "./pem.js";

const KINDS = {
  keys: { one: "key", One: "Key", backupExt: "keybackup" },
  secrets: { one: "secret", One: "Secret", backupExt: "secretbackup" },
};
/** A key bundle's or a secret bundle's id (lists and deleted lists carry kid or id at the top, a key bundle in key.kid). */
const idOf = (item) => item.kid ?? item.key?.kid ?? item.id;
export const nameOf = (item, kind) => nameFromId(idOf(item), kind);

/**
 * The list page of keys or secrets: forms(done) renders the page's own create forms (done(message) shows the message and
 * reloads), then restore, the list itself (columns and row as DataTable takes them) and the deleted ones.
 */
export function ObjectsPage({ data, kind, vault, load, columns, row, forms }) {
  const { One } = KINDS[kind];
  const list = useLoad(load, [data]);
  const [status, setStatus] = useState("");
  const done = (message) => { setStatus(message); list.reload(); };
  return (
    <>
      {forms(done)}
      <RestoreBackup data={data} kind={kind} onRestored={(item) => done(`${One} ${nameOf(item, kind)} restored.`)} />
      <h2>{One}s</h2>
      <Status message={status} />
      <DataTable list={list} what={kind} empty={`No ${kind} in this vault yet.`} caption={`${One}s of vault ${vault}`} columns={columns} row={row} />
      <DeletedItems data={data} kind={kind} vault={vault} onRecovered={() => list.reload()} />
    </>
  );
}

/** The deleted keys or secrets of a vault, each recoverable or purgeable (purge asks first: it destroys the HSM objects). */
function DeletedItems({ data, kind, vault, onRecovered }) {
  const { One } = KINDS[kind];
  const ops = data.lifecycle(kind);
  const list = useLoad(() => ops.listDeleted(), [data, kind]);
  const [status, setStatus] = useState("");
  const action = useAction(() => list.reload());
  return (
    <AutoOpenPanel summary={`Deleted ${kind}${list.data?.length ? ` (${list.data.length})` : ""}`} hasItems={list.data?.length > 0}>
      <Status message={status} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <DataTable list={list} what={`deleted ${kind}`} empty={`No deleted ${kind}.`} caption={`Deleted ${kind} of vault ${vault}`}
        columns={["Name", "Deleted", "Purged on?", "Actions"]}
        row={(item) => {
          const name = nameOf(item, kind);
          return (
            <tr key={idOf(item)}>
              <td>{name}</td>
              <td>{time(item.deletedDate)}</td>
              <td class="opt">{time(item.scheduledPurgeDate)}</td>
              <td class="actions">
                <button type="button" disabled={action.busy}
                  onClick={() => action.run(async () => { await ops.recover(name); setStatus(`${One} ${name} recovered.`); onRecovered(); })}>Recover</button>
                <ConfirmButton label="Purge" disabled={action.busy} title={`Purge ${KINDS[kind].one} ${name}?`}
                  message="Every version is destroyed for good, in the HSM too. This cannot be undone."
                  onConfirm={() => action.run(async () => { await ops.purge(name); setStatus(`${One} ${name} purged.`); })} />
              </td>
            </tr>
          );
        }} />
    </AutoOpenPanel>
  );
}

/** Restores a backup file (as written by Back up) into this vault. */
function RestoreBackup({ data, kind, onRestored }) {
  const action = useAction(onRestored);
  const restore = (input) => {
    const file = input.files[0];
    if (!file) return;
    action.run(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      return data.lifecycle(kind).restore(toBase64Url(bytes));
    }).finally(() => { input.value = ""; });
  };
  return (
    <div class="inline">
      <label for={`restore-${kind}`}>Restore a {KINDS[kind].one} from a backup file</label>
      <input id={`restore-${kind}`} type="file" disabled={action.busy} onChange={(e) => restore(e.currentTarget)} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </div>
  );
}

/** One key's or secret's lifecycle buttons after the page's own (children): back up to a file, delete (asks first). */
export function LifecycleToolbar({ data, kind, vault, name, action, setStatus, children }) {
  const { one, backupExt } = KINDS[kind];
  const ops = data.lifecycle(kind);
  const backup = () => action.run(async () => {
    const { value } = await ops.backup(name);
    download(`${name}.${backupExt}`, fromBase64Url(value), "application/octet-stream");
    setStatus("Backup downloaded (it can only be restored into a vault of this deployment).");
  });
  const remove = () => action.run(async () => { await ops.remove(name); location.hash = href("vaults", vault, kind); });
  return (
    <div class="toolbar">
      {children}
      <button type="button" disabled={action.busy} onClick={backup}>Back up</button>
      <ConfirmButton label={`Delete ${one}`} disabled={action.busy} title={`Delete ${one} ${name}?`}
        message={`Every version is soft-deleted: unusable, listed under deleted ${kind} until it is recovered or purged.`} onConfirm={remove} />
    </div>
  );
}

/** Key Vault's base64url bytes (backup blobs), as the bytes a file holds (like az keyvault … backup writes). */
function fromBase64Url(value) {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

export function toBase64Url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
