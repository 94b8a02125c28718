// Keys of a vault: list, create, import a .byok file (lifecycle.jsx adds restore and the deleted keys); one key: versions,
// enable/disable, expiry, tags, rotate, rotation policy, public key as PEM, copyable key id, back up and delete.
import { useState } from "preact/hooks";
import { ConfirmButton, CopyButton, DataTable, Enabled, ErrorBanner, Loading, Status, Tags, dateInput, fromDateInput, href, lastSegment, newestFirst, tagsText, time, useAction, useLoad, withTags } from "./ui.jsx";
import { download, publicKeyPem } from "./pem.js";
import { LifecycleToolbar, ObjectsPage, nameOf } from "./lifecycle.jsx";
import { ImportByok } from "./byok.jsx";

const KEY_TYPES = {
  "RSA-2048": { kty: "RSA", key_size: 2048 },
  "RSA-3072": { kty: "RSA", key_size: 3072 },
  "RSA-4096": { kty: "RSA", key_size: 4096 },
  "EC-P-256": { kty: "EC", crv: "P-256" },
  "EC-P-384": { kty: "EC", crv: "P-384" },
  "EC-P-521": { kty: "EC", crv: "P-521" },
  "oct-256": { kty: "oct", key_size: 256 },
  "KEK (RSA-HSM 3072, import only)": { kty: "RSA-HSM", key_size: 3072, key_ops: ["import"] },
};

export function KeysPage({ data, vault }) {
  return (
    <ObjectsPage data={data} kind="keys" vault={vault} load={() => data.listKeys()}
      forms={(done) => (
        <>
          <CreateKey data={data} onCreated={(name) => done(`Key ${name} created.`)} />
          <ImportByok data={data} onImported={(name) => done(`Key ${name} imported from the .byok file.`)} />
        </>
      )}
      columns={["Name", "State", "Expires", "Tags?", "Updated?"]}
      row={(k) => {
        const name = nameOf(k, "keys");
        return (
          <tr key={k.kid}>
            <td><a href={href("vaults", vault, "keys", name)}>{name}</a></td>
            <td><Enabled attributes={k.attributes} /></td>
            <td>{time(k.attributes?.exp)}</td>
            <td class="opt"><Tags tags={k.tags} /></td>
            <td class="opt">{time(k.attributes?.updated)}</td>
          </tr>
        );
      }} />
  );
}

function CreateKey({ data, onCreated }) {
  const [name, setName] = useState("");
  const [type, setType] = useState("RSA-2048");
  const [exp, setExp] = useState("");
  const [tags, setTags] = useState("");
  const [problem, setProblem] = useState(null);
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    withTags(tags, setProblem, (parsed) => action.run(async () => {
      const attributes = exp ? { exp: fromDateInput(exp) } : undefined;
      await data.createKey(name, { ...KEY_TYPES[type], attributes, tags: parsed });
      onCreated(name);
      setName("");
      setTags("");
      setExp("");
    }));
  };
  return (
    <details class="panel">
      <summary>Create a key</summary>
      <form class="grid" onSubmit={submit}>
        <label for="key-name">Name</label>
        <input id="key-name" required pattern="[0-9A-Za-z\-]{1,127}" title="1–127 letters, digits and hyphens" value={name}
          onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        <label for="key-type">Type</label>
        <select id="key-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {Object.keys(KEY_TYPES).map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <label for="key-exp">Expires (optional)</label>
        <input id="key-exp" type="date" value={exp} onInput={(e) => setExp(e.currentTarget.value)} />
        <label for="key-tags">Tags (one name=value a line)</label>
        <textarea id="key-tags" rows="2" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <div class="form-actions"><button type="submit" class="primary" disabled={action.busy}>{action.busy ? "Creating in the HSM…" : "Create key"}</button></div>
      </form>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </details>
  );
}

export function KeyPage({ data, vault, name }) {
  const key = useLoad(() => data.getKey(name), [data, name]);
  const versions = useLoad(() => data.keyVersions(name), [data, name]);
  const [status, setStatus] = useState("");
  const action = useAction(() => { key.reload(); versions.reload(); });
  const current = key.data;
  const version = lastSegment(current?.key?.kid);

  const update = (body, message) => action.run(async () => { await data.updateKey(name, version, body); setStatus(message); });
  const pem = () => action.run(async () => { download(`${name}-${version}.pem`, await publicKeyPem(current.key)); setStatus("Public key downloaded."); });
  const rotate = () => action.run(async () => { const k = await data.rotateKey(name); setStatus(`Rotated: new version ${lastSegment(k.key.kid)}.`); });

  return (
    <>
      <p class="crumbs"><a href={href("vaults", vault, "keys")}>Keys</a> / <span>{name}</span></p>
      <h2>Key {name}</h2>
      <p class="inline"><a href={href("vaults", vault, "usage", name)}>Usage of this key</a> <a href={href("vaults", vault, "audit", name)}>Audit records</a></p>
      <Status message={status} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      {key.loading && !current ? <Loading what="Loading the key" /> : null}
      <ErrorBanner error={key.error} />
      {current ? (
        <>
          <dl class="facts">
            <dt>Key id</dt><dd><code class="kid">{current.key.kid}</code> <CopyButton text={current.key.kid} label="Copy key id" /></dd>
            <dt>Type</dt><dd>{current.key.kty}{current.key.crv ? ` ${current.key.crv}` : ""}{current.key.n ? ` ${atobLength(current.key.n) * 8} bits` : ""}</dd>
            <dt>Operations</dt><dd>{(current.key.key_ops ?? []).join(", ")}</dd>
            <dt>State</dt><dd><Enabled attributes={current.attributes} /></dd>
            <dt>Created</dt><dd>{time(current.attributes?.created)}</dd>
            <dt>Expires</dt><dd>{time(current.attributes?.exp)}</dd>
            <dt>Tags</dt><dd><Tags tags={current.tags} /></dd>
          </dl>
          <LifecycleToolbar data={data} kind="keys" vault={vault} name={name} action={action} setStatus={setStatus}>
            {current.attributes?.enabled === false
              ? <button type="button" disabled={action.busy} onClick={() => update({ attributes: { enabled: true } }, "Key enabled.")}>Enable</button>
              : <button type="button" disabled={action.busy} onClick={() => update({ attributes: { enabled: false } }, "Key disabled.")}>Disable</button>}
            {current.key.kty?.startsWith("oct") ? null : <button type="button" disabled={action.busy} onClick={pem}>Download public key (PEM)</button>}
            <ConfirmButton label="Rotate now" danger={false} disabled={action.busy} title={`Rotate key ${name}?`}
              message="A new version is generated in the HSM and becomes current; older versions stay usable." onConfirm={rotate} />
          </LifecycleToolbar>
          <RotationPolicy data={data} name={name} onSaved={() => setStatus("Rotation policy saved.")} />
          <EditKey key={version} current={current} busy={action.busy} onSave={(body) => update(body, "Key updated.")} />
        </>
      ) : null}
      <h3>Versions</h3>
      <DataTable list={{ ...versions, data: newestFirst(versions.data) }} what="versions" empty="This key has no versions."
        caption={`Versions of key ${name}`} columns={["Version", "State", "Created", "Expires"]}
        row={(v) => (
          <tr key={v.kid}>
            <td><code>{lastSegment(v.kid)}</code> <CopyButton text={v.kid} label="Copy key id" /></td>
            <td><Enabled attributes={v.attributes} /></td>
            <td>{time(v.attributes?.created)}</td>
            <td>{time(v.attributes?.exp)}</td>
          </tr>
        )} />
    </>
  );
}

/** The key's rotation policy (Key Vault's lifetimeActions): rotate after, notify before expiry, expiry of new versions. */
function RotationPolicy({ data, name, onSaved }) {
  const policy = useLoad(() => data.getRotationPolicy(name), [data, name]);
  return (
    <details class="panel">
      <summary>Rotation policy</summary>
      {policy.loading ? <Loading what="Loading the rotation policy" /> : null}
      <ErrorBanner error={policy.error} />
      {policy.data ? <RotationPolicyForm data={data} name={name} policy={policy.data} onSaved={() => { policy.reload(); onSaved(); }} /> : null}
    </details>
  );
}

function RotationPolicyForm({ data, name, policy, onSaved }) {
  const trigger = (type, field) => policy.lifetimeActions?.find((a) => a.action?.type?.toLowerCase() === type)?.trigger?.[field] ?? "";
  const [rotateAfter, setRotateAfter] = useState(trigger("rotate", "timeAfterCreate"));
  const [notifyBefore, setNotifyBefore] = useState(trigger("notify", "timeBeforeExpiry"));
  const [expiry, setExpiry] = useState(policy.attributes?.expiryTime ?? "");
  const action = useAction(onSaved);
  const submit = (e) => {
    e.preventDefault();
    const lifetimeActions = [];
    if (rotateAfter) lifetimeActions.push({ trigger: { timeAfterCreate: rotateAfter }, action: { type: "Rotate" } });
    if (notifyBefore) lifetimeActions.push({ trigger: { timeBeforeExpiry: notifyBefore }, action: { type: "Notify" } });
    action.run(() => data.setRotationPolicy(name, { lifetimeActions, attributes: expiry ? { expiryTime: expiry } : {} }));
  };
  return (
    <form class="grid" onSubmit={submit}>
      <label for="rp-rotate">Rotate automatically after (ISO 8601, e.g. P90D; empty: never)</label>
      <input id="rp-rotate" value={rotateAfter} onInput={(e) => setRotateAfter(e.currentTarget.value)} placeholder="P90D" />
      <label for="rp-notify">Notify before expiry (e.g. P30D)</label>
      <input id="rp-notify" value={notifyBefore} onInput={(e) => setNotifyBefore(e.currentTarget.value)} placeholder="P30D" />
      <label for="rp-expiry">New versions expire after (e.g. P1Y)</label>
      <input id="rp-expiry" value={expiry} onInput={(e) => setExpiry(e.currentTarget.value)} placeholder="P1Y" />
      <div class="form-actions"><button type="submit" class="primary" disabled={action.busy}>Save policy</button></div>
      <div class="form-actions"><ErrorBanner error={action.error} onDismiss={action.clear} /></div>
    </form>
  );
}

function EditKey({ current, busy, onSave }) {
  const [exp, setExp] = useState(dateInput(current.attributes?.exp));
  const [tags, setTags] = useState(tagsText(current.tags));
  const [problem, setProblem] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    withTags(tags, setProblem, (parsed) => onSave({ attributes: { exp: fromDateInput(exp) }, tags: parsed }));
  };
  return (
    <details class="panel">
      <summary>Edit expiry and tags</summary>
      <form class="grid" onSubmit={submit}>
        <label for="edit-exp">Expires</label>
        <input id="edit-exp" type="date" value={exp} onInput={(e) => setExp(e.currentTarget.value)} />
        <label for="edit-tags">Tags (one name=value a line)</label>
        <textarea id="edit-tags" rows="3" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <div class="form-actions"><button type="submit" class="primary" disabled={busy}>Save</button></div>
      </form>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
    </details>
  );
}

const atobLength = (b64url) => Math.floor((b64url.replace(/=+$/, "").length * 3) / 4);
