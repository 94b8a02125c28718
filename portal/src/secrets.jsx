// Secrets of a vault: list, set a new version; one secret: its versions, a value revealed only on an explicit click (a get,
// audited like any other) and held only by that component, so it is gone when the page is left.
import { useEffect, useState } from "preact/hooks";
import { ConfirmButton, CopyButton, Empty, Enabled, ErrorBanner, Loading, Status, Tags, href, lastSegment, newestFirst, time, useAction, useLoad, withTags } from "./ui.jsx";
import { LifecycleToolbar, ObjectsPage, nameOf } from "./lifecycle.jsx";

export function SecretsPage({ data, vault }) {
  return (
    <ObjectsPage data={data} kind="secrets" vault={vault} load={() => data.listSecrets()}
      forms={(done) => <SetSecret data={data} onSet={(name) => done(`Secret ${name} saved.`)} />}
      columns={["Name", "State", "Content type", "Tags?", "Updated?"]}
      row={(s) => {
        const name = nameOf(s, "secrets");
        return (
          <tr key={s.id}>
            <td><a href={href("vaults", vault, "secrets", name)}>{name}</a></td>
            <td><Enabled attributes={s.attributes} /></td>
            <td>{s.contentType ?? "–"}</td>
            <td class="opt"><Tags tags={s.tags} /></td>
            <td class="opt">{time(s.attributes?.updated)}</td>
          </tr>
        );
      }} />
  );
}

/** A new secret, or a new version of one (fixedName). */
function SetSecret({ data, onSet, fixedName }) {
  const [name, setName] = useState(fixedName ?? "");
  const [value, setValue] = useState("");
  const [contentType, setContentType] = useState("");
  const [tags, setTags] = useState("");
  const [problem, setProblem] = useState(null);
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    withTags(tags, setProblem, (parsed) => action.run(async () => {
      await data.setSecret(name, { value, contentType: contentType || undefined, tags: parsed });
      setValue("");
      if (!fixedName) setName("");
      onSet(name);
    }));
  };
  const id = fixedName ? "version" : "secret";
  return (
    <details class="panel">
      <summary>{fixedName ? "Set a new version" : "Add a secret"}</summary>
      <form class="grid" onSubmit={submit} autocomplete="off">
        {fixedName ? null : (
          <>
            <label for={`${id}-name`}>Name</label>
            <input id={`${id}-name`} required pattern="[0-9A-Za-z\-]{1,127}" title="1–127 letters, digits and hyphens" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </>
        )}
        <label for={`${id}-value`}>Value</label>
        <textarea id={`${id}-value`} rows="2" class="mono" value={value} onInput={(e) => setValue(e.currentTarget.value)} spellcheck={false} />
        <label for={`${id}-type`}>Content type (optional)</label>
        <input id={`${id}-type`} value={contentType} onInput={(e) => setContentType(e.currentTarget.value)} placeholder="text/plain" />
        <label for={`${id}-tags`}>Tags (one name=value a line)</label>
        <textarea id={`${id}-tags`} rows="2" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <div class="form-actions"><button type="submit" class="primary" disabled={action.busy}>{action.busy ? "Saving…" : "Save secret"}</button></div>
      </form>
      {problem ? <p class="error" role="alert">{problem}</p> : null}
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </details>
  );
}

export function SecretPage({ data, vault, name }) {
  const versions = useLoad(() => data.secretVersions(name), [data, name]);
  const [status, setStatus] = useState("");
  const action = useAction(() => versions.reload());
  const sorted = newestFirst(versions.data) ?? [];
  const setEnabled = (v, enabled) =>
    action.run(async () => { await data.updateSecret(name, lastSegment(v.id), { attributes: { enabled } }); setStatus(`Version ${enabled ? "enabled" : "disabled"}.`); });
  return (
    <>
      <p class="crumbs"><a href={href("vaults", vault, "secrets")}>Secrets</a> / <span>{name}</span></p>
      <h2>Secret {name}</h2>
      <Status message={status} />
      <SetSecret data={data} fixedName={name} onSet={() => { setStatus("New version saved."); versions.reload(); }} />
      <LifecycleToolbar data={data} kind="secrets" vault={vault} name={name} action={action} setStatus={setStatus} />
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <h3>Versions</h3>
      {versions.loading && !versions.data ? <Loading what="Loading versions" /> : null}
      <ErrorBanner error={versions.error} />
      {versions.data?.length === 0 ? <Empty>This secret has no versions.</Empty> : null}
      {sorted.length ? (
        <ul class="versions">
          {sorted.map((v) => (
            <li key={v.id} class="version">
              <div class="version-head">
                <code>{lastSegment(v.id)}</code> <Enabled attributes={v.attributes} /> <span class="muted">created {time(v.attributes?.created)}</span>
                {v.contentType ? <span class="muted"> · {v.contentType}</span> : null}
              </div>
              <Tags tags={v.tags} />
              <Reveal data={data} name={name} version={lastSegment(v.id)} />
              <div class="toolbar">
                {v.attributes?.enabled === false
                  ? <button type="button" disabled={action.busy} onClick={() => setEnabled(v, true)}>Enable</button>
                  : <ConfirmButton label="Disable" danger={false} disabled={action.busy} title="Disable this version?"
                      message="Apps can no longer read a disabled version." onConfirm={() => setEnabled(v, false)} />}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** Shows a value only after a click; hides it again on demand, and forgets it when the component goes away. */
function Reveal({ data, name, version }) {
  const [value, setValue] = useState(null);
  const action = useAction();
  useEffect(() => () => setValue(null), []);
  const show = () => action.run(async () => setValue((await data.getSecret(name, version)).value ?? ""));
  return (
    <div class="reveal">
      {value === null ? (
        <button type="button" disabled={action.busy} onClick={show} aria-label={`Reveal value of version ${version}`}>{action.busy ? "Reading…" : "Reveal value"}</button>
      ) : (
        <>
          <label for={`value-${version}`} class="sr-only">Value of version {version}</label>
          <output id={`value-${version}`} class="secret-value mono">{value}</output>
          <CopyButton text={value} label="Copy value" />
          <button type="button" class="small" onClick={() => setValue(null)}>Hide</button>
        </>
      )}
      <ErrorBanner error={action.error} onDismiss={action.clear} />
    </div>
  );
}
