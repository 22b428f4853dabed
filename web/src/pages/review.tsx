// One review: the message and the data, an "Edits" JSON editor (validated as JSON) and Approve / Reject.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { lazy, Suspense, useState } from 'react';
import { api } from '../api';
import { useCan } from '../auth';
import {
  ErrorNote,
  formatDuration,
  Json,
  Loading,
  newIdempotencyKey,
  PageHeader,
  StatusBadge,
  When,
} from '../components/ui';
import type { Review } from '../types';

const JsonEditor = lazy(() => import('../components/json-editor').then((m) => ({ default: m.JsonEditor })));

export function ReviewPage() {
  const { id } = useParams({ from: '/reviews/$id' });
  const canDecide = useCan('operator');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const review = useQuery({
    queryKey: ['review', id],
    queryFn: () => api<Review>(`/v1/reviews/${encodeURIComponent(id)}`),
  });
  const [edits, setEdits] = useState<string>();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (review.isLoading) return <Loading />;
  if (!review.data) return <ErrorNote error={review.error} />;
  const data = review.data;
  const editable = data.data && typeof data.data === 'object' && !Array.isArray(data.data);
  const text = edits ?? JSON.stringify(editable ? data.data : {}, null, 2);
  let parsed: unknown;
  let invalid: string | undefined;
  try {
    parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      invalid = 'Edits must be a JSON object of fields to change.';
  } catch (caught) {
    invalid = `Edits are not valid JSON: ${(caught as Error).message}`;
  }
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/v1/reviews/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        idempotencyKey: newIdempotencyKey(),
        body: {
          decision,
          ...(decision === 'approve' ? { edits: parsed } : {}),
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        },
      });
      await queryClient.invalidateQueries({ queryKey: ['reviews'] });
      void navigate({ to: '/runs/$id', params: { id: data.executionId } });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const left = new Date(data.deadline).getTime() - Date.now();
  return (
    <section>
      <PageHeader title={`Review ${data.stepId}`} />
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={data.status} />
          </dd>
        </div>
        <div>
          <dt>Run</dt>
          <dd>
            <Link to="/runs/$id" params={{ id: data.executionId }} className="mono">
              {data.executionId}
            </Link>
          </dd>
        </div>
        <div>
          <dt>Waiting since</dt>
          <dd>
            <When at={data.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{left > 0 ? formatDuration(left) : 'timed out'}</dd>
        </div>
      </dl>
      <h2>Message</h2>
      <p className="message">{data.message}</p>
      <h2>Data</h2>
      <Json value={data.data} label="Data to review" />
      {data.decision ? (
        <p>
          {data.decision.decision === 'approve' ? 'Approved' : 'Rejected'} by{' '}
          <span className="mono">{data.decision.reviewer}</span> <When at={data.decision.decidedAt} />
        </p>
      ) : null}
      {data.status === 'pending' && canDecide ? (
        <form className="decision" onSubmit={(event) => event.preventDefault()}>
          <h2 id="edits-label">Edits</h2>
          <p className="muted small">
            Change any field of the data; what you approve is the data with these fields.
          </p>
          <Suspense fallback={<Loading />}>
            <JsonEditor label="Edits" value={text} onChange={setEdits} />
          </Suspense>
          {invalid ? (
            <p className="error-text" role="status">
              {invalid}
            </p>
          ) : null}
          <label htmlFor="comment">Comment (optional)</label>
          <textarea
            id="comment"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={2000}
          />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy || !!invalid}
              onClick={() => void decide('approve')}
            >
              Approve
            </button>
            <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>
              Reject
            </button>
          </div>
        </form>
      ) : null}
      <ErrorNote error={error} />
    </section>
  );
}
