// A mutation as a page runs it: busy while it runs, its problem kept to show, queries refreshed after.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { newIdempotencyKey } from './ui';

export function useAction(refresh: unknown[][]) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await action();
      await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      return result;
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  /** DELETE of one resource, as a person's click: its own Idempotency-Key, then the lists refreshed. */
  const remove = (path: string) =>
    run(() => api(path, { method: 'DELETE', idempotencyKey: newIdempotencyKey() }));
  return { run, remove, error, busy };
}
