// Credits: balance and plan limits, the balance over time (drawn from the ledger), and the ledger itself.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, type Page } from '../api';
import { ErrorNote, Loading, PageHeader, TableBox, TableHead, When } from '../components/ui';

interface Credits {
  balance: number;
  running: number;
  queued: number;
  plan: string;
  monthlyCredits: number;
  renewsAt?: string;
  concurrentExecutions: number;
}

interface Plan {
  id: string;
  name: string;
  monthlyCredits: number;
  requestsPerSecond: number;
  concurrentExecutions: number;
}

interface Transaction {
  id: string;
  type: string;
  amount: number;
  executionId?: string;
  reason?: string;
  createdAt: string;
}

export function CreditsPage() {
  const credits = useQuery({
    queryKey: ['credits'],
    queryFn: () => api<Credits>('/v1/credits'),
    refetchInterval: 5000,
  });
  const plans = useQuery({ queryKey: ['plans'], queryFn: () => api<Page<Plan>>('/v1/plans') });
  const ledger = useInfiniteQuery({
    queryKey: ['ledger'],
    queryFn: ({ pageParam }) =>
      api<Page<Transaction>>('/v1/credits/transactions', { query: { limit: 100, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (credits.isLoading) return <Loading />;
  if (!credits.data) return <ErrorNote error={credits.error} />;
  const plan = plans.data?.items.find((p) => p.id === credits.data.plan);
  const entries = ledger.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageHeader title="Credits" />
      <dl className="facts">
        <div>
          <dt>Balance</dt>
          <dd className="big">{credits.data.balance}</dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd>{plan?.name ?? credits.data.plan}</dd>
        </div>
        <div>
          <dt>Monthly credits</dt>
          <dd>{credits.data.monthlyCredits}</dd>
        </div>
        <div>
          <dt>Renews</dt>
          <dd>
            <When at={credits.data.renewsAt} />
          </dd>
        </div>
        <div>
          <dt>Running / concurrent limit</dt>
          <dd>
            {credits.data.running} / {credits.data.concurrentExecutions}
          </dd>
        </div>
        <div>
          <dt>Queued</dt>
          <dd>{credits.data.queued}</dd>
        </div>
        {plan ? (
          <div>
            <dt>Requests per second</dt>
            <dd>{plan.requestsPerSecond}</dd>
          </div>
        ) : null}
      </dl>
      <h2>Balance over time</h2>
      <BalanceChart balance={credits.data.balance} entries={entries} />
      <h2>Ledger</h2>
      <ErrorNote error={ledger.error} />
      <TableBox label="Ledger">
        <table>
          <TableHead columns={['When', 'Type', 'Amount', 'Run or reason']} />
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <When at={entry.createdAt} />
                </td>
                <td>{entry.type}</td>
                <td className={entry.amount < 0 ? 'negative' : 'positive'}>
                  {entry.amount > 0 ? `+${entry.amount}` : entry.amount}
                </td>
                <td>
                  {entry.executionId ? (
                    <Link to="/runs/$id" params={{ id: entry.executionId }} className="mono">
                      {entry.executionId}
                    </Link>
                  ) : (
                    (entry.reason ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      {ledger.hasNextPage ? (
        <button
          type="button"
          disabled={ledger.isFetchingNextPage}
          onClick={() => void ledger.fetchNextPage()}
        >
          Load older entries
        </button>
      ) : null}
    </section>
  );
}

/** The balance after each ledger entry, walked back from today's balance (entries are newest first). */
function BalanceChart({ balance, entries }: { balance: number; entries: Transaction[] }) {
  if (entries.length === 0) return <p className="empty">No ledger entries yet.</p>;
  const points: Array<{ t: number; balance: number }> = [];
  let running = balance;
  for (const entry of entries) {
    points.push({ t: new Date(entry.createdAt).getTime(), balance: running });
    running -= entry.amount;
  }
  points.reverse();
  const width = 640;
  const height = 160;
  const t0 = points[0]!.t;
  const t1 = Math.max(points.at(-1)!.t, t0 + 1);
  const max = Math.max(...points.map((p) => p.balance), 1);
  const min = Math.min(...points.map((p) => p.balance), 0);
  const x = (t: number) => ((t - t0) / (t1 - t0)) * (width - 20) + 10;
  const y = (b: number) => height - 10 - ((b - min) / (max - min || 1)) * (height - 20);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.balance).toFixed(1)}`)
    .join(' ');
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Balance from ${points[0]!.balance} to ${balance} over ${points.length} ledger entries`}
      >
        <line x1="10" x2={width - 10} y1={y(0)} y2={y(0)} className="axis" />
        <path d={path} className="line" />
      </svg>
      <figcaption className="muted small">
        Balance after each of the {points.length} entries loaded: {points[0]!.balance} → {balance}
      </figcaption>
    </figure>
  );
}
