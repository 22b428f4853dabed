// Reviews: the pending inbox across runs, oldest first, with the time left before each one times out.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, type Page } from '../api';
import {
  Empty,
  ErrorNote,
  formatDuration,
  Loading,
  PageHeader,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import type { Review } from '../types';

export function ReviewsPage() {
  const reviews = useQuery({
    queryKey: ['reviews', 'pending'],
    queryFn: () => allPending(),
    refetchInterval: 3000,
  });
  const now = Date.now();
  return (
    <section>
      <PageHeader title="Reviews" />
      <ErrorNote error={reviews.error} />
      {reviews.isLoading ? <Loading /> : null}
      {reviews.data?.length === 0 ? (
        <Empty>No review is waiting. Runs that reach a review step show up here.</Empty>
      ) : null}
      {reviews.data?.length ? (
        <TableBox label="Pending reviews">
          <table>
            <TableHead columns={['Review', 'Message', 'Run', 'Waiting since', 'Time left']} />
            <tbody>
              {reviews.data.map((review) => {
                const left = new Date(review.deadline).getTime() - now;
                return (
                  <tr key={review.id}>
                    <td>
                      <Link to="/reviews/$id" params={{ id: review.id }}>
                        Open {review.stepId}
                      </Link>
                    </td>
                    <td className="clip">{review.message}</td>
                    <td>
                      <Link to="/runs/$id" params={{ id: review.executionId }} className="mono">
                        {review.executionId}
                      </Link>
                    </td>
                    <td>
                      <When at={review.createdAt} />
                    </td>
                    <td className={left < 3_600_000 ? 'error-text' : undefined}>
                      {left > 0 ? formatDuration(left) : 'timed out'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableBox>
      ) : null}
    </section>
  );
}

/** Every pending review, oldest first (a person works an inbox from its oldest item). */
async function allPending(): Promise<Review[]> {
  const all: Review[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<Review>>('/v1/reviews', { query: { status: 'pending', limit: 100, cursor } });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 1000);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
