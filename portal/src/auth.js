// OAuth 2.0 authorization code flow with PKCE (RFC 7636) for a public client: works against Entra ID's v2 endpoints and
// against HsmVault's development identity provider alike. The access token lives in sessionStorage (this tab only) and
// never in a URL: the code arrives in the query string and is removed from the address bar before it is redeemed.

const SESSION = "hsmvault.portal.session";
const PENDING = "hsmvault.portal.pending";

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomString = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export async function signIn(config) {
  const verifier = randomString(48);
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = randomString(24);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: location.hash }));
  const params = new URLSearchParams({
    client_id: config.clientId,
    response_type: "code",
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign(`${config.authorizeEndpoint}?${params}`);
}

export function signOut() {
  sessionStorage.removeItem(SESSION);
  sessionStorage.removeItem(PENDING);
}

/** The current session (null if signed out or expired); finishes a sign-in when the page was opened by the redirect. */
export async function currentSession(config) {
  const query = new URLSearchParams(location.search);
  if (query.has("code") || query.has("error")) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
    sessionStorage.removeItem(PENDING);
    // The code must not stay in the address bar or the history.
    history.replaceState(null, "", config.redirectUri + (pending?.returnTo ?? ""));
    if (query.has("error")) throw new Error(`Sign-in failed: ${query.get("error_description") ?? query.get("error")}`);
    if (!pending || pending.state !== query.get("state")) throw new Error("Sign-in failed: the response does not belong to a sign-in started here.");
    const response = await fetch(config.tokenEndpoint, {
      method: "POST",
      cache: "no-store",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: config.clientId,
        code: query.get("code"),
        redirect_uri: config.redirectUri,
        code_verifier: pending.verifier,
        scope: config.scope,
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || !body.access_token) throw new Error(`Sign-in failed: ${body.error_description ?? body.error ?? response.status}`);
    const session = { accessToken: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000, claims: claimsOf(body.access_token) };
    sessionStorage.setItem(SESSION, JSON.stringify(session));
    return session;
  }
  const session = JSON.parse(sessionStorage.getItem(SESSION) ?? "null");
  if (!session || session.expiresAt < Date.now() + 30_000) {
    sessionStorage.removeItem(SESSION);
    return null;
  }
  return session;
}

function claimsOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const c = JSON.parse(atob(payload));
    return { oid: c.oid, name: c.name ?? c.preferred_username ?? c.appid ?? c.oid, roles: c.roles ?? [], tid: c.tid };
  } catch {
    return { roles: [] };
  }
}
