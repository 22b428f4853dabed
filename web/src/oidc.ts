// Sign-in through the deployment's OIDC issuer: authorization code with PKCE (oauth4webapi), and the JWT it
// returns used as the bearer token the API already accepts. Loaded only when an issuer is configured.
import * as oauth from 'oauth4webapi';
import type { ConsoleConfig } from './api';

type Oidc = NonNullable<ConsoleConfig['oidc']>;
const PENDING = 'recipeflow.oidc';

function redirectUri(): string {
  return `${window.location.origin}/auth/callback`;
}

/** Plain HTTP only for an issuer on this machine (a local test issuer); a real one must be HTTPS. */
function requestOptions(issuer: URL) {
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return local ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(oidc: Oidc) {
  const issuer = new URL(oidc.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(issuer) });
  return oauth.processDiscoveryResponse(issuer, response);
}

export async function startOidcSignIn(oidc: Oidc): Promise<void> {
  const server = await discover(oidc);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: oidc.scope ?? 'openid',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  window.location.assign(url.toString());
}

/** Finishes the redirect back from the issuer: returns the token to present to the API. */
export async function finishOidcSignIn(oidc: Oidc): Promise<string> {
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new Error('no sign-in was started in this tab');
  const { verifier, state, nonce } = JSON.parse(pending) as {
    verifier: string;
    state: string;
    nonce: string;
  };
  const server = await discover(oidc);
  const client: oauth.Client = { client_id: oidc.clientId };
  const params = oauth.validateAuthResponse(server, client, new URL(window.location.href), state);
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client,
    oauth.None(),
    params,
    redirectUri(),
    verifier,
    requestOptions(new URL(oidc.issuer)),
  );
  const result = await oauth.processAuthorizationCodeResponse(server, client, response, {
    expectedNonce: nonce,
    requireIdToken: false,
  });
  // The API verifies a JWT: the access token when the issuer makes it one, else the ID token.
  const token = result.access_token.split('.').length === 3 ? result.access_token : result.id_token;
  if (!token) throw new Error('the issuer returned no JWT the API can verify');
  return token;
}
