// Import of a .byok transfer blob (Key Vault's BYOK specification), made in the customer's HSM for one of this vault's
// import-only KEKs; the vault unwraps it inside its HSM. The page only reads the file and sends its bytes as key_hsm.
import { useState } from "preact/hooks";
import { ErrorBanner, useAction } from "./ui.jsx";
import { toBase64Url } from "./lifecycle.jsx";

const BYOK_TYPES = {
  "RSA-HSM": { kty: "RSA-HSM", key_ops: ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"] },
  "EC-HSM P-256": { kty: "EC-HSM", crv: "P-256", key_ops: ["sign", "verify"] },
  "EC-HSM P-384": { kty: "EC-HSM", crv: "P-384", key_ops: ["sign", "verify"] },
  "EC-HSM P-521": { kty: "EC-HSM", crv: "P-521", key_ops: ["sign", "verify"] },
  "oct-HSM": { kty: "oct-HSM", key_ops: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] },
};

export function ImportByok({ data, onImported }) {
  const [name, setName] = useState("");
  const [type, setType] = useState("RSA-HSM");
  const [file, setFile] = useState(null);
  const action = useAction();
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const blob = new Uint8Array(await file.arrayBuffer());
      await data.importKey(name, { key: { ...BYOK_TYPES[type], key_hsm: toBase64Url(blob) } });
      onImported(name);
    });
  };
  return (
    <details class="panel">
      <summary>Import a .byok file</summary>
      <form class="grid" onSubmit={submit}>
        <label for="byok-name">Name of the imported key</label>
        <input id="byok-name" required pattern="[0-9A-Za-z\-]{1,127}" title="1–127 letters, digits and hyphens" value={name}
          onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
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
