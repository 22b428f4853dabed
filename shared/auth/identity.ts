// The one rule for where a caller's credentials travel: the Authorization header, as `Bearer <API key or JWT>`.
// The API stack makes it the authorizer's identity source; the local gateway reads the same header, refuses a
// request without it as API Gateway does, and hands it to the same authorizer.
export const IDENTITY_HEADER = 'authorization';

/** The authorizer's identity source in API Gateway's syntax. */
export const IDENTITY_SOURCE = '$request.header.Authorization';

export function bearerToken(headers: Record<string, string | undefined> | undefined): string | undefined {
  const header = headers?.[IDENTITY_HEADER];
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return undefined;
}

/** How long API Gateway caches an authorizer answer per identity (the local gateway uses the same). */
export const AUTHORIZER_TTL_SECONDS = 30;
