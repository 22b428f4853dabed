// The signed-in principal (GET /v1/me) and what its role may do, so a page shows only the buttons that work.
import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { Me, Role } from './types';

const rank: Record<Role, number> = { viewer: 0, operator: 1, editor: 2, admin: 3, platform: -1 };

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/v1/me'), staleTime: 60_000 });
}

/** True when the role includes `needed` (admin ⊇ editor ⊇ operator ⊇ viewer), as the API decides. */
export function allows(role: Role | undefined, needed: Exclude<Role, 'platform'> | 'platform'): boolean {
  if (!role) return false;
  if (needed === 'platform') return role === 'platform';
  if (role === 'platform') return false;
  return rank[role] >= rank[needed];
}

export function useCan(needed: Exclude<Role, 'platform'> | 'platform'): boolean {
  return allows(useMe().data?.role, needed);
}
