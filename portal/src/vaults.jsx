// Vaults (operator role): list, create, enable/disable, delete; anyone can open a vault by name.
import { useState } from "preact/hooks";
import { AutoOpenPanel, ConfirmButton, DataTable, ErrorBanner, Status, Tags, href, time, useAction, useLoad, withTags } from "./ui.jsx";

// The management API gives Unix seconds or ISO 8601 times.
const createdAt = (t) => (typeof t === "number" ? time(t) : t ? time(Date.parse(t) / 1000) : "–");

export function VaultsPage({ api, config, session }) {
  const isOperator = (session.claims.roles ?? []).includes(config.operatorRole);
  const list = useLoad(() => (isOperator ? api.listVaults() : Promise.resolve(null)), [api, isOperator]);
  const [status, setStatus] = useState("");
  const action = useAction(() => list.reload());

  const setEnabled = (v, enabled) =>
    action.run(async () => {
      await api.patchVault(v.name, { properties: { enabled } });
      setStatus(`Vault ${v.name} ${enabled ? "enabled" : "disabled"}.`);
    });
  const [generation, setGeneration] = useState(0);
  const remove = (v) =>
    action.run(async () => {
      await api.deleteVault(v.name);
      setStatus(`Vault ${v.name} deleted.`);
      setGeneration((g) => g + 1);
    });

  return (
    <>
      <h1>Vaults</h1>
      <OpenVault />
      {isOperator ? (
        <>
          <CreateVault api={api} config={config} onCreated={(name) => { setStatus(`Vault ${name} created.`); list.reload(); }} />
          <h2>All vaults</h2>
          <Status message={status} />
          <ErrorBanner error={action.error} onDismiss={action.clear} />
          <DataTable list={list} what="vaults" empty="No vaults yet. Create the first one above." caption="Vaults"
            columns={["Name", "State", "Tenant?", "Tags?", "Created?", "Actions"]}
            row={(v) => (
              <tr key={v.name}>
                <td><a href={href("vaults", v.name, "keys")}>{v.name}</a></td>
                <td>{v.properties?.enabled === false ? <span class="badge off">disabled</span> : <span class="badge on">enabled</span>}</td>
                <td class="mono opt">{v.properties?.tenantId}</td>
                <td class="opt"><Tags tags={v.tags} /></td>
                <td class="opt">{createdAt(v.properties?.createdAt)}</td>
                <td class="actions">
                  {v.properties?.enabled === false
                    ? <button type="button" disabled={action.busy} onClick={() => setEnabled(v, true)}>Enable</button>
                    : <ConfirmButton label="Disable" disabled={action.busy} title={`Disable vault ${v.name}?`} danger={false}
                        message="Every request to a disabled vault is refused until it is enabled again." onConfirm={() => setEnabled(v, false)} />}
                  <ConfirmButton label="Delete" disabled={action.busy} title={`Delete vault ${v.name}?`}
                    message="The vault stops serving at once. Its name stays reserved." onConfirm={() => remove(v)} />
                </td>
              </tr>
            )} />
          <DeletedVaults api={api} generation={generation} onRecovered={(name) => { setStatus(`Vault ${name} recovered.`); list.reload(); }} />
        </>
      ) : (
        <p class="muted">Listing and creating vaults needs the operator role ({config.operatorRole}). Open a vault you have access to by its name.</p>
      )}
    </>
  );
}

function OpenVault() {
  const [name, setName] = useState("");
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); if (name.trim()) location.hash = href("vaults", name.trim(), "keys"); }}>
      <label for="open-vault">Open a vault by name</label>
      <input id="open-vault" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="payments" autocomplete="off" />
      <button type="submit">Open</button>
    </form>
  );
}

function CreateVault({ api, config, onCreated }) {
  const [name, setName] = useState("");
  const [tenant, setTenant] = useState(config.tenantId);
  const [retention, setRetention] = useState("90");
  const [tags, setTags] = useState("");
  const [problem, setProblem] = useState(null);
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    withTags(tags, setProblem, (parsed) => action.run(async () => {
      await api.putVault(name, { tags: parsed, properties: { tenantId: tenant, softDeleteRetentionInDays: Number(retention) } });
      onCreated(name);
      setName("");
      setTags("");
    }));
  };
  return (
    <details class="panel">
      <summary>Create a vault</summary>
      <form onSubmit={submit} class="grid">
        <label for="vault-name">Name</label>
        <input id="vault-name" required pattern="[A-Za-z][A-Za-z0-9\-]{2,23}" title="3–24 letters, digits and hyphens, starting with a letter"
          value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        <label for="vault-tenant">Tenant id</label>
        <input id="vault-tenant" required value={tenant} onInput={(e) => setTenant(e.currentTarget.value)} class="mono" />
        <label for="vault-retention">Soft-delete retention (days)</label>
        <input id="vault-retention" type="number" min="7" max="90" required value={retention} onInput={(e) => setRetention(e.currentTarget.value)} />
        <label for="vault-tags">Tags (one name=value a line)</label>
        <textarea id="vault-tags" rows="2" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={action.busy}>{action.busy ? "Creating…" : "Create vault"}</button>
        </div>
      </form>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </details>
  );
}

/** Soft-deleted vaults: recover, or purge (asks first: its keys and secrets are destroyed). */
function DeletedVaults({ api, generation, onRecovered }) {
  const list = useLoad(() => api.listDeletedVaults(), [api, generation]);
  const [status, setStatus] = useState("");
  const action = useAction(() => list.reload());
  return (
    <AutoOpenPanel summary={`Deleted vaults${list.data?.length ? ` (${list.data.length})` : ""}`} hasItems={list.data?.length > 0}>
      <Status message={status} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <DataTable list={list} what="deleted vaults" empty="No deleted vaults." caption="Deleted vaults"
        columns={["Name", "Deleted", "Purged on", "Actions"]}
        row={(v) => (
          <tr key={v.name}>
            <td>{v.name}</td>
            <td>{createdAt(v.properties?.deletionDate)}</td>
            <td>{createdAt(v.properties?.scheduledPurgeDate)}</td>
            <td class="actions">
              <button type="button" disabled={action.busy} onClick={() => action.run(async () => { await api.recoverVault(v.name); onRecovered(v.name); })}>Recover</button>
              <ConfirmButton label="Purge" disabled={action.busy || v.properties?.purgeProtectionEnabled} title={`Purge vault ${v.name}?`}
                message="The vault, its keys and secrets are destroyed for good, in the HSM too. This cannot be undone."
                onConfirm={() => action.run(async () => { await api.purgeVault(v.name); setStatus(`Vault ${v.name} purged.`); })} />
            </td>
          </tr>
        )} />
    </AutoOpenPanel>
  );
}
