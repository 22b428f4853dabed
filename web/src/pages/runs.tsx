// Runs: every execution, newest first, filtered by recipe, status and time; the newest page polls (conditional
// GETs) so statuses change without a reload; the table virtualises, so 100,000 runs scroll as fast as 100.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { useRecipes } from '../components/recipes';
import {
  ErrorNote,
  formatDuration,
  newIdempotencyKey,
  PageHeader,
  StatusBadge,
  TableBox,
  When,
} from '../components/ui';
import type { RunsSearch } from '../router';
import { type Execution, executionStatuses, finished } from '../types';

const PAGE = 100;
const ROW_HEIGHT = 41;

export function RunsPage() {
  const search = useSearch({ from: '/runs' });
  const navigate = useNavigate({ from: '/runs' });
  const canCancel = useCan('operator');
  const queryClient = useQueryClient();
  const recipes = useRecipes();
  const filter = { recipeId: search.recipeId, status: search.status };
  // The newest runs, polled: a conditional GET answers 304 while nothing changed.
  const head = useQuery({
    queryKey: ['runs', 'head', filter],
    queryFn: () => api<Page<Execution>>('/v1/executions', { query: { ...filter, limit: 50 } }),
    refetchInterval: 2000,
  });
  const older = useInfiniteQuery({
    queryKey: ['runs', 'pages', filter],
    queryFn: ({ pageParam }) =>
      api<Page<Execution>>('/v1/executions', { query: { ...filter, limit: PAGE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const since = search.since ? new Date(search.since).getTime() : undefined;
  const rows = useMemo(() => {
    const seen = new Set<string>();
    const all: Execution[] = [];
    for (const run of [...(head.data?.items ?? []), ...(older.data?.pages.flatMap((p) => p.items) ?? [])]) {
      if (seen.has(run.id)) continue;
      seen.add(run.id);
      if (since === undefined || new Date(run.createdAt).getTime() >= since) all.push(run);
    }
    return all;
  }, [head.data, older.data, since]);
  const reachedSince =
    since !== undefined &&
    older.data?.pages.at(-1)?.items.at(-1) !== undefined &&
    new Date(older.data.pages.at(-1)!.items.at(-1)!.createdAt).getTime() < since;

  const scroller = useRef<HTMLElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const last = items.at(-1);
  const nearEnd = last !== undefined && last.index >= rows.length - 20;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = older;
  useEffect(() => {
    if (nearEnd && hasNextPage && !isFetchingNextPage && !reachedSince) void fetchNextPage();
  }, [nearEnd, hasNextPage, isFetchingNextPage, reachedSince, fetchNextPage]);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cancelError, setCancelError] = useState<unknown>();
  const [cancelling, setCancelling] = useState(false);
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const cancelSelected = async () => {
    setCancelling(true);
    setCancelError(undefined);
    const results = await Promise.allSettled(
      [...selected].map((id) =>
        api(`/v1/executions/${encodeURIComponent(id)}/cancel`, {
          method: 'POST',
          idempotencyKey: newIdempotencyKey(),
        }),
      ),
    );
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) setCancelError((failure as PromiseRejectedResult).reason);
    setSelected(new Set());
    setCancelling(false);
    await queryClient.invalidateQueries({ queryKey: ['runs'] });
  };

  const setFilter = (next: Partial<RunsSearch>) =>
    void navigate({ search: (current) => ({ ...current, ...next }), replace: true });
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtual.getTotalSize() - (last?.end ?? 0);

  return (
    <section>
      <PageHeader title="Runs">
        {canCancel ? (
          <button
            type="button"
            disabled={selected.size === 0 || cancelling}
            onClick={() => void cancelSelected()}
          >
            Cancel selected ({selected.size})
          </button>
        ) : null}
      </PageHeader>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Recipe
          <select
            value={search.recipeId ?? ''}
            onChange={(e) => setFilter({ recipeId: e.target.value || undefined })}
          >
            <option value="">All recipes</option>
            {recipes.data?.items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            value={search.status ?? ''}
            onChange={(e) => setFilter({ status: (e.target.value || undefined) as RunsSearch['status'] })}
          >
            <option value="">Any status</option>
            {executionStatuses.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input
            type="datetime-local"
            value={search.since ? toLocalInput(search.since) : ''}
            onChange={(e) =>
              setFilter({ since: e.target.value ? new Date(e.target.value).toISOString() : undefined })
            }
          />
        </label>
      </form>
      <ErrorNote error={head.error ?? older.error ?? cancelError} />
      <p className="muted small" aria-live="polite">
        {rows.length} run{rows.length === 1 ? '' : 's'}
        {older.hasNextPage && !reachedSince ? ' loaded; more load as you scroll' : ''}
      </p>
      <TableBox label="Runs" className="runs" ref={scroller}>
        <table>
          <thead>
            <tr>
              {canCancel ? (
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
              ) : null}
              <th scope="col">Run</th>
              <th scope="col">Recipe</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Credits</th>
            </tr>
          </thead>
          <tbody>
            {paddingTop > 0 ? <tr style={{ height: paddingTop }} /> : null}
            {items.map((item) => {
              const run = rows[item.index]!;
              return (
                <tr key={run.id} style={{ height: ROW_HEIGHT }}>
                  {canCancel ? (
                    <td>
                      {finished.has(run.status) ? null : (
                        <input
                          type="checkbox"
                          aria-label={`Select ${run.id}`}
                          checked={selected.has(run.id)}
                          onChange={() => toggle(run.id)}
                        />
                      )}
                    </td>
                  ) : null}
                  <td>
                    <Link to="/runs/$id" params={{ id: run.id }} className="mono">
                      {run.id}
                    </Link>
                  </td>
                  <td>
                    {run.recipeId} <span className="muted">v{run.version}</span>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{run.trigger}</td>
                  <td>
                    <When at={run.startedAt ?? run.createdAt} />
                  </td>
                  <td>{formatDuration(run.durationMs)}</td>
                  <td>{run.creditsCharged ?? run.creditsReserved}</td>
                </tr>
              );
            })}
            {paddingBottom > 0 ? <tr style={{ height: paddingBottom }} /> : null}
          </tbody>
        </table>
        {rows.length === 0 && !head.isLoading ? <p className="empty">No runs match.</p> : null}
      </TableBox>
    </section>
  );
}

function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}
