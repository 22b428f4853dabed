// Runs one attempt of a step inside its Task state: builds the template scope from the run state,
// calls the component, records the attempt on the execution, and normalises errors for Retry/Catch.
import type { Deps } from '../deps';
import type { RunState, StepRecord } from '../executions/execution-model';
import { recordStepAttempt } from '../executions/execution-repository';
import { hydrateReferenced, isPayloadRef, stepOutputName, storeIfLarge } from '../executions/payload-store';
import { MetricUnit, measureBy, metrics } from '../observability/metrics';
import { logger } from '../observability/observability';
import type { Step } from '../recipes/recipe-schema';
import { StepRejected, toStepError } from './step-errors';

export interface StepEvent<S extends Step = Step> {
  step: S;
  state: RunState;
  /** $$.State.RetryCount: 0 on the first attempt. */
  attempt: number;
}

export interface ComponentResult {
  output: unknown;
  usage?: StepRecord['usage'];
}

export type Component<S extends Step> = (
  step: S,
  scope: Record<string, unknown>,
  state: RunState,
) => Promise<ComponentResult>;

const PREVIEW_CHARS = 500;

export function templateScope(state: RunState): Record<string, unknown> {
  return {
    input: state.input,
    steps: state.steps,
    settings: state.settings,
    execution: state.execution,
    ...('item' in state ? { item: state.item } : {}),
  };
}

/** Writes one finished attempt's step record: its own item unless a fused group gathers its records. */
export type StepRecorder = (step: StepRecord) => Promise<void>;

export async function runStep<S extends Step>(
  deps: Deps,
  event: StepEvent<S>,
  component: Component<S>,
  recorder?: StepRecorder,
) {
  const { index, maxItems } = event.state;
  if (index !== undefined && maxItems !== undefined && index >= maxItems) {
    // Not recorded and not charged: the run reserved credits for maxItems items only.
    throw new StepRejected(
      `the map has more than its maxItems (${maxItems}) items; raise maxItems (up to 10000) or map over fewer`,
    );
  }
  const started = deps.now();
  const base = {
    // Inside a map, each item's run of a step is its own record: `enrich[3]`.
    stepId: event.state.index === undefined ? event.step.id : `${event.step.id}[${event.state.index}]`,
    type: event.step.type,
    attempts: (event.attempt ?? 0) + 1,
    startedAt: started.toISOString(),
  };
  const { tenantId } = event.state.run;
  const executionId = event.state.execution.id;
  const testing = event.state.execution.test === true;
  const record = recorder ?? ((step: StepRecord) => recordStepAttempt(deps, tenantId, executionId, step));
  logger.appendKeys({ tenantId, executionId, stepId: base.stepId });
  const measure = (outcome: 'succeeded' | 'failed', latencyMs: number) => {
    measureBy('StepLatency', MetricUnit.Milliseconds, latencyMs, 'stepType', event.step.type);
    if (outcome === 'failed') measureBy('StepFailures', MetricUnit.Count, 1, 'stepType', event.step.type);
  };
  try {
    const state = await hydrateReferenced(deps, event.state, event.step);
    const result = await component(event.step, templateScope(state), state);
    const name = stepOutputName(executionId, base.stepId);
    const output = await storeIfLarge(deps, tenantId, name, result.output ?? null);
    const finished = deps.now();
    // A step tried on its own (POST /v1/steps/test) leaves no step record: there is no run to show it on.
    if (testing) return { output, ...(result.usage ? { usage: result.usage } : {}) };
    const outputPreview = preview(result.output);
    // The record holds a preview; an output longer than it is kept whole in S3 (already, when it travels by
    // reference) so a reader can load it on demand: GET /v1/executions/{id}/steps/{stepId}/output. Not for
    // a map's items: one object per item would cost a PUT per row of a large map, for a view nobody opens.
    const keep = outputPreview.endsWith('…') && event.state.index === undefined;
    const full = isPayloadRef(output)
      ? output
      : keep
        ? await storeIfLarge(deps, tenantId, name, result.output ?? null, 0)
        : undefined;
    await record({
      ...base,
      status: 'succeeded',
      finishedAt: finished.toISOString(),
      latencyMs: finished.getTime() - started.getTime(),
      outputPreview,
      ...(isPayloadRef(full) ? { outputBytes: full.bytes } : {}),
      ...(result.usage ? { usage: result.usage } : {}),
    });
    measure('succeeded', finished.getTime() - started.getTime());
    if (result.usage?.totalTokens) metrics.addMetric('LlmTokens', MetricUnit.Count, result.usage.totalTokens);
    return { output };
  } catch (raw) {
    const error = toStepError(raw);
    const finished = deps.now();
    if (testing) throw error;
    await record({
      ...base,
      status: 'failed',
      finishedAt: finished.toISOString(),
      latencyMs: finished.getTime() - started.getTime(),
      error: { type: error.name, message: error.message },
    });
    measure('failed', finished.getTime() - started.getTime());
    logger.warn('step failed', { errorType: error.name, stepType: event.step.type });
    throw error;
  }
}

function preview(output: unknown): string {
  const text = JSON.stringify(output) ?? 'null';
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
