// The portal's shell: configuration, sign-in, the header and the hash router (#/vaults/{name}/keys/…).
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { currentSession, forget, signIn, signOut } from "./auth.js";
import { client, vaultClient } from "./api.js";
import { ErrorBanner, Loading, href, vaultUri } from "./ui.jsx";
import { VaultsPage } from "./vaults.jsx";
import { KeysPage, KeyPage } from "./keys.jsx";
import { SecretsPage, SecretPage } from "./secrets.jsx";
import { AccessPage } from "./access.jsx";
import { AuditPage } from "./audit.jsx";
import { UsagePage } from "./usage.jsx";

function useHashRoute() {
  const read = () => decodeURIComponent(location.hash.replace(/^#/, "")).split("/").filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function App() {
  const [config, setConfig] = useState(null);
  const [session, setSession] = useState(undefined);
  const [error, setError] = useState(null);
  const route = useHashRoute();

  useEffect(() => {
    (async () => {
      const response = await fetch("config.json", { cache: "no-store" });
      if (!response.ok) throw new Error(`The portal's configuration could not be read (${response.status}).`);
      const cfg = await response.json();
      setConfig(cfg);
      setSession(await currentSession(cfg));
    })().catch((e) => {
      setError(e);
      setSession(null);
    });
  }, []);

  const expire = () => {
    forget();
    setSession(null);
    setError(new Error("Your session has expired or was refused; sign in again."));
  };
  const api = useMemo(() => (session ? client(session, expire) : null), [session]);

  if (session === undefined) return <Loading what="Signing in" />;
  if (!session)
    return (
      <main class="signin">
        <h1>HsmVault portal</h1>
        <p>Manage vaults, keys, secrets and access. Sign in with your organisation's account.</p>
        <ErrorBanner error={error} />
        {config ? <button type="button" class="primary" onClick={() => signIn().catch(setError)}>Sign in</button> : null}
      </main>
    );

  const [section, vault, tab, item] = route;
  let page;
  if (section === "vaults" && vault) {
    const data = vaultClient(api, vaultUri(config, vault));
    const props = { api, data, vault, config, session };
    page =
      tab === "secrets" ? (item ? <SecretPage {...props} name={item} /> : <SecretsPage {...props} />)
      : tab === "access" ? <AccessPage {...props} />
      : tab === "audit" ? <AuditPage key={item ?? ""} {...props} initialKey={item} />
      : tab === "usage" ? <UsagePage {...props} keyName={item} />
      : item ? <KeyPage {...props} name={item} />
      : <KeysPage {...props} />;
    page = <VaultShell vault={vault} tab={tab ?? "keys"}>{page}</VaultShell>;
  } else {
    page = <VaultsPage api={api} config={config} session={session} />;
  }

  return (
    <>
      <header class="top">
        <a class="brand" href="#/">HsmVault</a>
        <nav aria-label="Main"><a href="#/">Vaults</a></nav>
        <div class="who">
          <span title={session.claims.oid}>{session.claims.name}</span>
          {session.claims.roles?.length ? <span class="badge">{session.claims.roles.join(", ")}</span> : null}
          <button type="button" class="small" onClick={() => signOut().then(() => { setSession(null); setError(null); }, setError)}>Sign out</button>
        </div>
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function VaultShell({ vault, tab, children }) {
  const tabs = [["keys", "Keys"], ["secrets", "Secrets"], ["access", "Access policies"], ["audit", "Audit"], ["usage", "Usage"]];
  return (
    <>
      <p class="crumbs"><a href="#/">Vaults</a> / <span>{vault}</span></p>
      <h1>Vault {vault}</h1>
      <nav class="tabs" aria-label="Vault sections">
        {tabs.map(([id, label]) => (
          <a key={id} href={href("vaults", vault, id)} aria-current={tab === id ? "page" : undefined}>{label}</a>
        ))}
      </nav>
      {children}
    </>
  );
}

render(<App />, document.getElementById("app"));
