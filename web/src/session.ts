// Who is signed in, for this tab only: the token lives in sessionStorage (never localStorage, never a URL),
// so closing the tab or "Sign out" forgets it.
import { useSyncExternalStore } from 'react';

const KEY = 'recipeflow.token';
const listeners = new Set<() => void>();

export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
  for (const listener of listeners) listener();
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, currentToken);
}
