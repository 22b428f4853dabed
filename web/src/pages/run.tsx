// One run: its recipe as a graph coloured by step status, a timeline of attempts, each step's details
// (attempts and errors, input and output, tokens and cost), credits, and Cancel / Redrive where they apply.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { type NodeStatus, RecipeGraph } from '../components/recipe-graph';
import { Timeline } from '../components/timeline';
import {
  ErrorNote,
  formatBytes,
  formatDuration,
  formatUsd,
  Json,
  Loading,
  newIdempotencyKey,
  PageHeader,
  StatusBadge,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import { type Execution, finished, type RecipeVersion, type Step, type StepRecord } from '../types';

export function RunPage() {
  const { id } = useParams({ from: '/runs/$id' });
  const canOperate = useCan('operator');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => api<Execution>(`/v1/executions/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.data && finished.has(query.state.data.status) ? false : 1000),
  });
  const definition = useQuery({
    queryKey: ['recipe-version', run.data?.recipeId, run.data?.version],
    enabled: !!run.data,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => findVersion(run.data!.recipeId, run.data!.version),
  });
  const mapSteps = (definition.data?.definition.steps ?? []).filter((s) => s.type === 'map');
  const items = useQuery({
    queryKey: ['run-items', id, mapSteps.map((s) => s.id).join(',')],
    enabled: mapSteps.length > 0,
    refetchInterval: run.data && finished.has(run.data.status) ? false : 2000,
    queryFn: async () => {
      const inner = mapSteps.flatMap((map) =>
        (map.steps ?? []).map((step) => ({ map: map.id, step: step.id })),
      );
      const pages = await Promise.all(
        inner.map(async ({ map, step }) => ({
          path: `${map}/${step}`,
          page: await api<Page<StepRecord>>(`/v1/executions/${encodeURIComponent(id)}/steps`, {
            query: { step, limit: 100 },
          }),
        })),
      );
      return Object.fromEntries(pages.map(({ path, page }) => [path, page]));
    },
  });
  const [selected, setSelected] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const steps = run.data?.steps ?? [];
  const statusOf = useCallback(
    (path: string): NodeStatus | undefined => {
      if (path.includes('/')) {
        const records = items.data?.[path]?.items ?? [];
        if (records.length === 0) return undefined;
        if (records.some((r) => r.status === 'failed')) return 'failed';
        if (records.some((r) => r.status === 'waiting')) return 'waiting';
        return 'succeeded';
      }
      const record = steps.find((s) => s.stepId === path);
      if (record) return record.status;
      if (run.data && !finished.has(run.data.status)) return 'pending';
      return run.data ? 'skipped' : undefined;
    },
    [steps, items.data, run.data],
  );

  if (run.isLoading) return <Loading />;
  if (!run.data) return <ErrorNote error={run.error} />;
  const execution = run.data;
  const act = async (action: 'cancel' | 'redrive') => {
    setActionError(undefined);
    try {
      const result = await api<Execution>(`/v1/executions/${encodeURIComponent(id)}/${action}`, {
        method: 'POST',
        idempotencyKey: newIdempotencyKey(),
      });
      await queryClient.invalidateQueries({ queryKey: ['run', id] });
      if (action === 'redrive' && result?.id && result.id !== id)
        void navigate({ to: '/runs/$id', params: { id: result.id } });
    } catch (error) {
      setActionError(error);
    }
  };
  const definitionSteps = definition.data?.definition.steps ?? [];
  const selectedRecord = steps.find((s) => s.stepId === selected);
  const selectedStep = selected ? findStep(definitionSteps, selected) : undefined;
  return (
    <section>
      <PageHeader title={`Run ${execution.id}`}>
        {canOperate && !finished.has(execution.status) ? (
          <button type="button" onClick={() => void act('cancel')}>
            Cancel
          </button>
        ) : null}
        {canOperate && (execution.status === 'failed' || execution.status === 'timed_out') ? (
          <button type="button" onClick={() => void act('redrive')}>
            Redrive
          </button>
        ) : null}
      </PageHeader>
      <ErrorNote error={actionError ?? run.error} />
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={execution.status} />
            {execution.queuePosition ? ` — ${ordinal(execution.queuePosition)} in line` : null}
          </dd>
        </div>
        <div>
          <dt>Recipe</dt>
          <dd>
            <Link to="/recipes/$id" params={{ id: execution.recipeId }}>
              {execution.recipeId}
            </Link>{' '}
            v{execution.version}
          </dd>
        </div>
        <div>
          <dt>Engine</dt>
          <dd>{execution.engine}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{execution.trigger}</dd>
        </div>
        <div>
          <dt>{execution.status === 'queued' ? 'Queued' : 'Started'}</dt>
          <dd>
            <When at={execution.startedAt ?? execution.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(execution.durationMs)}</dd>
        </div>
        <div>
          <dt>Credits reserved</dt>
          <dd>{execution.creditsReserved}</dd>
        </div>
        <div>
          <dt>Credits charged</dt>
          <dd>{execution.creditsCharged ?? '—'}</dd>
        </div>
        {execution.totals ? (
          <div>
            <dt>AI tokens · cost</dt>
            <dd>
              {execution.totals.totalTokens} · {formatUsd(execution.totals.costUsd)}
            </dd>
          </div>
        ) : null}
        {execution.redriveOf ? (
          <div>
            <dt>Redrive of</dt>
            <dd>
              <Link to="/runs/$id" params={{ id: execution.redriveOf }}>
                {execution.redriveOf}
              </Link>
            </dd>
          </div>
        ) : null}
      </dl>
      {execution.error ? (
        <div className="error" role="status">
          <strong>{execution.error.type}</strong>
          {execution.error.step ? ` in ${execution.error.step}` : ''}: {execution.error.message}
        </div>
      ) : null}
      <div className="run-views">
        <div>
          <h2>Graph</h2>
          {definition.data ? (
            <RecipeGraph
              steps={definitionSteps}
              statusOf={statusOf}
              onSelect={setSelected}
              label={`Graph of ${execution.recipeId} v${execution.version}`}
            />
          ) : (
            <ErrorNote error={definition.error} />
          )}
        </div>
        <div>
          <h2>Timeline</h2>
          <Timeline run={execution} steps={steps} onSelect={setSelected} selected={selected} />
        </div>
      </div>
      <h2>Steps</h2>
      <StepList steps={steps} selected={selected} onSelect={setSelected} />
      {selected ? (
        <StepDetails
          runId={execution.id}
          path={selected}
          record={selectedRecord}
          step={selectedStep}
          items={items.data?.[selected]?.items}
        />
      ) : null}
      <div className="two-columns">
        <div>
          <h2>Input</h2>
          {execution.omitted?.includes('input') ? <p className="muted">Too large to show here.</p> : null}
          <Json value={execution.input ?? null} label="Run input" />
        </div>
        <div>
          <h2>Output</h2>
          <Json value={execution.output ?? null} label="Run output" />
        </div>
      </div>
    </section>
  );
}

function StepList({
  steps,
  selected,
  onSelect,
}: {
  steps: StepRecord[];
  selected?: string;
  onSelect: (id: string) => void;
}) {
  if (steps.length === 0) return <p className="empty">No step has run yet.</p>;
  return (
    <TableBox label="Steps">
      <table>
        <TableHead columns={['Step', 'Type', 'Status', 'Attempts', 'Latency', 'Tokens', 'Cost']} />
        <tbody>
          {steps.map((step) => (
            <tr key={step.stepId} className={selected === step.stepId ? 'selected' : undefined}>
              <td>
                <button type="button" className="link mono" onClick={() => onSelect(step.stepId)}>
                  {step.stepId}
                </button>
              </td>
              <td>{step.type}</td>
              <td>
                <StatusBadge status={step.status} />
                {step.items ? <ItemProgress items={step.items} /> : null}
              </td>
              <td>{step.attempts}</td>
              <td>
                {step.status === 'waiting' || step.status === 'running'
                  ? step.status
                  : formatDuration(step.latencyMs)}
              </td>
              <td>{step.usage?.totalTokens ?? '—'}</td>
              <td>{step.usage ? formatUsd(step.usage.costUsd) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

/** A map over an artifact's items: done of total (failed ones counted among them), shown while it runs. */
function ItemProgress({ items }: { items: NonNullable<StepRecord['items']> }) {
  const done = items.succeeded + items.failed;
  return (
    <span className="item-progress">
      {' '}
      {done.toLocaleString('en')} / {items.total.toLocaleString('en')} items
      {items.failed ? `, ${items.failed.toLocaleString('en')} failed` : ''}
    </span>
  );
}

function StepDetails({
  runId,
  path,
  record,
  step,
  items,
}: {
  runId: string;
  path: string;
  record?: StepRecord;
  step?: Step;
  items?: StepRecord[];
}) {
  const [full, setFull] = useState<{ output?: unknown; url?: string; bytes: number }>();
  const [error, setError] = useState<unknown>();
  const load = async () => {
    setError(undefined);
    try {
      setFull(
        await api(`/v1/executions/${encodeURIComponent(runId)}/steps/${encodeURIComponent(path)}/output`),
      );
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="card step-details" aria-label={`Step ${path}`}>
      <h3 className="mono">{path}</h3>
      {record ? (
        <>
          <p>
            <StatusBadge status={record.status} /> · {record.attempts} attempt
            {record.attempts === 1 ? '' : 's'} · {formatDuration(record.latencyMs)}
          </p>
          {record.type === 'review' ? <ReviewDecision preview={record.outputPreview} /> : null}
          {record.usage ? (
            <p>
              Model {record.usage.model ?? '—'} ({record.usage.provider ?? '—'}) · prompt{' '}
              {record.usage.promptTokens ?? 0} + completion {record.usage.completionTokens ?? 0} ={' '}
              {record.usage.totalTokens ?? 0} tokens · {formatUsd(record.usage.costUsd)}
            </p>
          ) : null}
          {record.history?.length ? (
            <>
              <h4>Attempts</h4>
              <ol className="attempts">
                {record.history.map((attempt) => (
                  <li key={`${attempt.attempt}-${attempt.startedAt}`}>
                    <StatusBadge status={attempt.status} /> <When at={attempt.startedAt} /> ·{' '}
                    {formatDuration(attempt.latencyMs)}
                    {attempt.error ? (
                      <span className="error-text">
                        {' '}
                        — {attempt.error.type}: {attempt.error.message}
                      </span>
                    ) : null}
                  </li>
                ))}
              </ol>
            </>
          ) : record.error ? (
            <p className="error-text">
              {record.error.type}: {record.error.message}
            </p>
          ) : null}
          <h4>Output</h4>
          {full ? (
            full.url ? (
              <p>
                The output is {formatBytes(full.bytes)}: <a href={full.url}>download it</a>.
              </p>
            ) : (
              <Json value={full.output} label={`Output of ${path}`} />
            )
          ) : (
            <>
              <Json value={record.outputPreview ?? '—'} label={`Output preview of ${path}`} />
              {record.outputBytes ? (
                <button type="button" onClick={() => void load()}>
                  Load full output ({formatBytes(record.outputBytes)})
                </button>
              ) : null}
            </>
          )}
          <ErrorNote error={error} />
        </>
      ) : items ? (
        <>
          <p>
            {items.length} item run{items.length === 1 ? '' : 's'} shown (first page).
          </p>
          <ul className="items">
            {items.map((item) => (
              <li key={item.stepId}>
                <span className="mono">{item.stepId}</span> <StatusBadge status={item.status} />
                {item.error ? <span className="error-text"> {item.error.message}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">This step has not run.</p>
      )}
      {step ? (
        <>
          <h4>Input (the step as the recipe defines it; templates are filled from the run)</h4>
          <Json value={step} label={`Definition of ${path}`} />
        </>
      ) : null}
    </section>
  );
}

/** Who decided a review, read from the step's output (the decision and reviewer lead its preview). */
function ReviewDecision({ preview }: { preview?: string }) {
  const decided = /^\{"decision":"(approve|reject)","reviewer":"([^"]+)","decidedAt":"([^"]+)"/.exec(
    preview ?? '',
  );
  if (!decided) return null;
  return (
    <p>
      {decided[1] === 'approve' ? 'Approved' : 'Rejected'} by <span className="mono">{decided[2]}</span>{' '}
      <When at={decided[3]} />
    </p>
  );
}

function findStep(steps: Step[], path: string): Step | undefined {
  const [head, ...rest] = path.split('/');
  const step = steps.find((s) => s.id === head);
  if (!step || rest.length === 0) return step;
  return findStep(step.steps ?? [], rest.join('/'));
}

async function findVersion(recipeId: string, version: number): Promise<RecipeVersion> {
  let cursor: string | undefined;
  do {
    const page = await api<Page<RecipeVersion>>(`/v1/recipes/${encodeURIComponent(recipeId)}/versions`, {
      query: { limit: 100, cursor },
    });
    const found = page.items.find((v) => v.version === version);
    if (found) return found;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  throw new Error(`version ${version} of ${recipeId} was not found`);
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
