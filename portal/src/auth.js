// Sign-in with MSAL (@azure/msal-browser, bundled): authorization code + PKCE by redirect, against Entra ID ("AAD" mode) or
// the standalone host's development identity provider ("OIDC" mode); config.json says which (config.msal).
// - Tokens live in sessionStorage (this tab only), never localStorage; the code comes back in the URL fragment, which
//   handleRedirectPromise reads and removes from the address bar (and the history entry) before it redeems the code.
// - Renewal uses the refresh token only (CacheLookupPolicy.AccessTokenAndRefreshToken), never MSAL's hidden iframe: the
//   portal and the sign-in pages send frame-ancestors 'none', so an iframe could not load them anyway. When the refresh token
//   is gone or refused, the page asks the user to sign in again.
import { CacheLookupPolicy, LogLevel, PublicClientApplication } from "@azure/msal-browser";

let msal = null;
let scopes = [];

/** Starts MSAL and finishes a sign-in when the page was opened by the redirect. Returns the session, or null if signed out. */
export async function currentSession(config) {
  scopes = [config.scope];
  msal = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.msal.authority,
      knownAuthorities: config.msal.knownAuthorities,
      redirectUri: config.redirectUri,
      postLogoutRedirectUri: config.redirectUri,
    },
    cache: { cacheLocation: "sessionStorage" },
    system: {
      protocolMode: config.msal.protocolMode,
      // The token request is a plain form post (no X-AnchorMailbox header), so a cross-origin call needs no preflight.
      preventCorsPreflight: true,
      loggerOptions: { logLevel: LogLevel.Warning, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  });
  await msal.initialize();
  const result = await msal.handleRedirectPromise();
  const account = result?.account ?? msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
  if (!account) return null;
  msal.setActiveAccount(account);
  try {
    return sessionOf(account, result?.accessToken ?? (await token()));
  } catch {
    await forget();
    return null;
  }
}

/** Sends the browser to the identity provider's sign-in page; it comes back to the portal's redirect URI. */
export async function signIn() {
  await msal.loginRedirect({ scopes });
}

/**
 * Signs out: at Entra ID, MSAL's logout redirect (it ends the Entra session too); at the development identity provider,
 * which keeps no session and publishes no end_session_endpoint, MSAL only clears this tab's cache.
 */
export async function signOut() {
  const account = msal?.getActiveAccount();
  if (!account) return forget();
  await msal.logoutRedirect({ account });
}

/** Forgets this tab's tokens without leaving the page (an expired or refused session). */
export async function forget() {
  await msal?.clearCache();
}

/** A valid access token for the vault: from MSAL's cache, or renewed with the refresh token. Throws when sign-in is needed. */
async function token() {
  const account = msal.getActiveAccount();
  if (!account) throw new Error("Not signed in.");
  const result = await msal.acquireTokenSilent({ scopes, account, cacheLookupPolicy: CacheLookupPolicy.AccessTokenAndRefreshToken });
  return result.accessToken;
}

function sessionOf(account, accessToken) {
  // Roles are the vault's (the API's app roles), so they are read from the access token, not the ID token.
  const claims = claimsOf(accessToken);
  return {
    token,
    claims: { oid: claims.oid ?? account.localAccountId, name: account.name || account.username || claims.name, roles: claims.roles, tid: claims.tid ?? account.tenantId },
  };
}

function claimsOf(jwt) {
  try {
    const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const c = JSON.parse(atob(payload));
    return { oid: c.oid, name: c.name ?? c.preferred_username ?? c.appid, roles: c.roles ?? [], tid: c.tid };
  } catch {
    return { roles: [] };
  }
}
