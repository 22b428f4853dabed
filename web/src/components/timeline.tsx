// A run as a waterfall: one row per step, one bar per attempt (failed attempts red), from the run's start.
import type { Execution, StepRecord } from '../types';
import { formatDuration } from './ui';

export function Timeline({
  run,
  steps,
  onSelect,
  selected,
}: {
  run: Execution;
  steps: StepRecord[];
  onSelect: (stepId: string) => void;
  selected?: string;
}) {
  const start = new Date(run.startedAt ?? run.createdAt).getTime();
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now();
  const span = Math.max(end - start, 1);
  const at = (time: number) => `${Math.min(100, Math.max(0, ((time - start) / span) * 100))}%`;
  const width = (ms: number) => `max(3px, ${Math.min(100, (ms / span) * 100)}%)`;
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-scale muted small">
        <span>0</span>
        <span>{formatDuration(span)}</span>
      </div>
      <ol>
        {steps.map((step) => {
          const attempts = step.history?.length
            ? step.history
            : [
                {
                  attempt: step.attempts,
                  status: step.status,
                  startedAt: step.startedAt,
                  latencyMs: step.latencyMs,
                },
              ];
          return (
            <li key={step.stepId}>
              <button
                type="button"
                className={`timeline-row${selected === step.stepId ? ' selected' : ''}`}
                onClick={() => onSelect(step.stepId)}
                aria-label={`${step.stepId}: ${step.status}, ${step.attempts} attempt${step.attempts === 1 ? '' : 's'}, ${formatDuration(step.latencyMs)}`}
              >
                <span className="timeline-label mono">{step.stepId}</span>
                <span className="timeline-track">
                  {attempts.map((attempt) => {
                    const from = new Date(attempt.startedAt).getTime();
                    // A step still waiting (a review) has run from its start until now.
                    const ms = step.status === 'waiting' ? Date.now() - from : (attempt.latencyMs ?? 0);
                    return (
                      <span
                        key={`${attempt.attempt}-${attempt.startedAt}`}
                        className={`bar status-${step.status === 'waiting' ? 'waiting' : attempt.status}`}
                        style={{ left: at(from), width: width(ms) }}
                        title={`attempt ${attempt.attempt}: ${attempt.status}, ${formatDuration(ms)}`}
                      />
                    );
                  })}
                </span>
                <span className="timeline-ms">
                  {step.status === 'waiting' ? 'waiting' : formatDuration(step.latencyMs)}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
