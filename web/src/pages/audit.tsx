// Audit: the tenant's append-only events, newest first, and "Verify chain" over the whole hash chain.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ErrorNote, PageHeader, TableBox, TableHead, When } from '../components/ui';

interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  resource?: { type: string; id?: string };
  result: string;
  status?: number;
}

interface Verification {
  valid: boolean;
  events: number;
  headHash?: string | null;
  firstBroken?: { seq: number; reason: string };
}

export function AuditPage() {
  const events = useInfiniteQuery({
    queryKey: ['audit'],
    queryFn: ({ pageParam }) =>
      api<Page<AuditEvent>>('/v1/audit', { query: { limit: 100, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [verification, setVerification] = useState<Verification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setVerification(await api<Verification>('/v1/audit/verify'));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageHeader title="Audit">
        <button type="button" onClick={() => void verify()} disabled={busy}>
          Verify chain
        </button>
      </PageHeader>
      <p className="muted">
        Events are chained in batches from the database's change stream: a change shows here within the
        deployment's batching window (10 s unless it was configured otherwise).
      </p>
      <div aria-live="polite">
        {verification ? (
          <p className={verification.valid ? 'ok' : 'error'} role="status">
            {verification.valid
              ? `The chain is intact: ${verification.events} events, head ${verification.headHash?.slice(0, 16) ?? '—'}…`
              : `The chain is broken at event ${verification.firstBroken?.seq ?? '?'}: ${verification.firstBroken?.reason ?? 'unknown'}.`}
          </p>
        ) : null}
      </div>
      <ErrorNote error={error ?? events.error} />
      <TableBox label="Audit events">
        <table>
          <TableHead columns={['#', 'When', 'Actor', 'Action', 'Resource', 'Result']} />
          <tbody>
            {items.map((event) => (
              <tr key={event.seq}>
                <td>{event.seq}</td>
                <td>
                  <When at={event.at} />
                </td>
                <td>
                  <span className="mono">{event.actor}</span> <span className="muted">{event.role}</span>
                </td>
                <td>
                  <code>{event.action}</code>
                </td>
                <td>
                  {event.resource?.type} <span className="mono">{event.resource?.id ?? ''}</span>
                </td>
                <td>
                  {event.result}
                  {event.status ? ` (${event.status})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      {events.hasNextPage ? (
        <button
          type="button"
          disabled={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          Load older events
        </button>
      ) : null}
    </section>
  );
}
