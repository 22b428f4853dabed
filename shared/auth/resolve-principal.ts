// Resolves the caller from the Authorization header: an API key (`Bearer rf_…`) or a JWT whose claims carry
// `tenant_id` and `role`. Used by the Lambda authorizer (cloud, cached) and the local gateway alike.
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Deps } from '../deps';
import { Forbidden, Unauthorized } from '../errors';
import { getTenant } from '../tenants/tenant-repository';
import { authenticateApiKey } from './api-keys';
import { PLATFORM_TENANT_ID, type Principal, roles } from './principal';

export async function resolvePrincipal(deps: Deps, token: string | undefined): Promise<Principal> {
  if (!token) throw new Unauthorized();
  const principal =
    token.split('.').length === 3 ? await verifyJwt(deps, token) : await authenticateApiKey(deps, token);
  if (principal.role === 'platform') return principal;
  const tenant = await getTenant(deps, principal.tenantId);
  if (!tenant) throw new Unauthorized();
  if (tenant.status !== 'active') {
    throw new Forbidden(
      `this tenant is suspended${tenant.reason ? `: ${tenant.reason}` : ''}; its keys are refused`,
    );
  }
  return { ...principal, plan: tenant.plan };
}

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
/** The longest a token may still be valid for when it is presented. */
const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

async function verifyJwt(deps: Deps, token: string): Promise<Principal> {
  const { JWT_JWKS_URL, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE } = deps.config;
  if (!JWT_JWKS_URL && !JWT_SECRET) throw new Unauthorized('bearer tokens are not configured');
  let payload: JWTPayload;
  try {
    // A token must expire: without `exp` a leaked token would work forever.
    const options = { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, requiredClaims: ['exp'] };
    if (JWT_JWKS_URL) {
      jwks ??= createRemoteJWKSet(new URL(JWT_JWKS_URL));
      ({ payload } = await jwtVerify(token, jwks, options));
    } else {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(JWT_SECRET), {
        ...options,
        algorithms: ['HS256'],
      }));
    }
  } catch {
    throw new Unauthorized('invalid or expired token');
  }
  if ((payload.exp ?? 0) - deps.now().getTime() / 1000 > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new Unauthorized(`tokens may be valid for at most ${MAX_TOKEN_LIFETIME_SECONDS / 3600} hours`);
  }
  const tenantId = payload.tenant_id;
  const role = payload.role;
  // A platform operator's token names the platform as its tenant; no tenant's token can claim the role.
  const platform = role === 'platform' && tenantId === PLATFORM_TENANT_ID;
  if (typeof tenantId !== 'string' || !(platform || (roles as readonly unknown[]).includes(role))) {
    throw new Unauthorized('the token must carry tenant_id and a role claim');
  }
  return { tenantId, role: role as Principal['role'], keyId: `jwt:${payload.sub ?? 'unknown'}` };
}
