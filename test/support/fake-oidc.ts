// An OIDC issuer on 127.0.0.1 speaking the real protocol for a browser sign-in: discovery, an authorization
// endpoint that consents at once for one configured user, a token endpoint that checks the PKCE verifier
// (S256) and returns RS256 JWTs, and the JWKS the API verifies them with. CORS as a public issuer answers.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { startFakeServer } from './local-stack';

export interface FakeUser {
  sub: string;
  tenantId: string;
  role: string;
}

export async function startFakeOidc(options: { clientId: string; audience: string; user: FakeUser }) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string; nonce?: string }>();
  const tokenRequests: Array<{ status: number }> = [];
  let issuer = '';
  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(options.user.sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
      });
      return res.end();
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.clientId || q.get('code_challenge_method') !== 'S256') {
        return json(400, { error: 'invalid_request' });
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        nonce: q.get('nonce') ?? undefined,
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      back.searchParams.set('iss', issuer);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const pending = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !pending ||
        pending.challenge !== challenge ||
        pending.redirectUri !== form.get('redirect_uri') ||
        form.get('client_id') !== options.clientId
      ) {
        tokenRequests.push({ status: 400 });
        return json(400, { error: 'invalid_grant' });
      }
      tokenRequests.push({ status: 200 });
      const { tenantId, role } = options.user;
      return json(200, {
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: await sign({ tenant_id: tenantId, role }, options.audience),
        id_token: await sign({ nonce: pending.nonce }, options.clientId),
      });
    }
    return json(404, { error: 'not_found' });
  };
  const server = await startFakeServer((req, res) => void handle(req, res));
  issuer = server.url;
  return { issuer, tokenRequests, close: server.close };
}
