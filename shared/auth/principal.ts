// Who is calling: resolved from an API key (or, later, a JWT). Tenant id comes only from here.
export const roles = ['admin', 'editor', 'operator', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** The platform operator's own space: its keys onboard and run tenants; it holds no tenant data. */
export const PLATFORM_TENANT_ID = 'platform';

export interface Principal {
  tenantId: string;
  role: Role | 'platform';
  /** The API key id, or `jwt:<subject>` for a token. */
  keyId: string;
  /** The tenant's plan (for rate limits); absent for the platform admin. */
  plan?: string;
}

const rank: Record<Role | 'platform', number> = { viewer: 0, operator: 1, editor: 2, admin: 3, platform: -1 };

/** True when the principal's role includes the permissions of `needed` (admin ⊇ editor ⊇ operator ⊇ viewer). */
export function hasRole(principal: Principal, needed: Role | 'platform'): boolean {
  if (needed === 'platform') return principal.role === 'platform';
  if (principal.role === 'platform') return false;
  return rank[principal.role] >= rank[needed];
}
