// Runs a fused group of steps (see recipe-compiler.ts, "Fused steps") in one Task invocation: each step in
// turn through runStep, so each is recorded, metered and fails exactly as it would in a Task of its own.
//
// - The group's one non-fusable step (its anchor: an `http`, an `ai`…) throws as usual: the Task's Retry (the
//   anchor's policy) and Catch apply to it alone, since fusable steps never throw out of the group except
//   inside a map, where no step comes after the anchor.
// - A fusable step's failure is handled here, as its Catch would have: `continue` records the error under
//   `steps.<id>.error` and goes on; `fail` at the top level ends the run here (failure recorded and settled,
//   state kept for a redrive, then RunSettled, which the Task's Catch sends to the Fail state).
// - With `finalize`, the group is the end of the run: its output is resolved and the run settled here.
// - At the top level, the records of a group's fusable steps are one item (`recordGroupAttempts`), written once
//   per invocation: before the run settles here (settlement charges from them), or as an error leaves the group.
//   The anchor's record stays its own item, written as soon as it runs: a paid step is never unrecorded.
// - A group that is the whole run (it starts with nothing run before it and finalizes) writes every step item the
//   run has: an earlier attempt of its Task wrote only items this one writes again (the same keys, history
//   appended). Each write answers with the item as written, and the settlement charges from those items instead
//   of reading the run's step records back (one Query less per run).
import type { Deps } from '../deps';
import type { RunState, StepRecord } from '../executions/execution-model';
import { recordGroupAttempts, recordStepAttempt, stepRecordsOf } from '../executions/execution-repository';
import { finalizeExecution } from '../executions/finalize-execution';
import { logger } from '../observability/observability';
import type { Step } from '../recipes/recipe-schema';
import { isFusable } from '../steps/runtimes';
import { RunSettled } from './step-errors';
import { type Component, runStep, type StepRecorder } from './step-runner';

export interface GroupEvent {
  group: Step[];
  state: RunState;
  /** $$.State.RetryCount of the group's Task (its anchor's retries). */
  attempt: number;
  /** Top level: a fusable step's `fail` ends the run in this invocation. */
  settles?: boolean;
  /** The run ends with this group (what Finalize would have been given). */
  finalize?: { output: unknown; lastStep: string | null };
  executionArn?: string;
  /** A redrive resuming inside this group: steps whose output the state already holds are not run again. */
  skipDone?: boolean;
}

export function isGroupEvent(event: unknown): event is GroupEvent {
  return Array.isArray((event as GroupEvent).group);
}

export async function runGroup(
  deps: Deps,
  event: GroupEvent,
  components: Record<string, Component<never>>,
): Promise<unknown> {
  let state = event.state;
  const arn = event.executionArn ? { executionArn: event.executionArn } : {};
  const records = groupRecords(deps, event, wholeRun(event));
  try {
    for (const step of event.group) {
      const done = state.steps[step.id];
      if (event.skipDone && done && 'output' in done) continue;
      const component = components[step.type] as Component<Step> | undefined;
      if (!component) throw new Error(`this function cannot run a ${step.type} step`);
      try {
        const attempt = { step, state, attempt: event.attempt ?? 0 };
        const { output } = await runStep(deps, attempt, component, records.recorderOf(step));
        state = { ...state, steps: { ...state.steps, [step.id]: { output } } };
      } catch (raw) {
        if (!isFusable(step)) throw raw;
        const error = raw as Error;
        // The shape a Catch gives a Lambda error: the name, and a JSON cause carrying the message.
        const failure = {
          Error: error.name,
          Cause: JSON.stringify({ errorType: error.name, errorMessage: error.message }),
        };
        if (step.onError === 'continue') {
          state = { ...state, steps: { ...state.steps, [step.id]: { error: failure } } };
          continue;
        }
        if (!event.settles) throw raw;
        const failed = { ...state, failures: { ...state.failures, [step.id]: failure } };
        await records.flush();
        await finalizeExecution(deps, { outcome: 'failed', state: failed, ...arn }, records.written());
        throw new RunSettled(`step ${step.id} failed; the run is settled`);
      }
    }
  } catch (raw) {
    // The error goes on as it came, for the Task's Retry and Catch, even when its records could not be written:
    // they are of deterministic steps, which a retry runs again.
    await records
      .flush()
      .catch((error: Error) => logger.warn('the group step records were not written', { error }));
    throw raw;
  }
  await records.flush();
  if (!event.finalize) return state;
  return finalizeExecution(
    deps,
    { outcome: 'succeeded', ...event.finalize, state, ...arn },
    records.written(),
  );
}

/** The group is the whole run: nothing ran before it (no step output, error or failure in the state). */
function wholeRun(event: GroupEvent): boolean {
  return (
    event.finalize !== undefined &&
    event.state.index === undefined &&
    !event.skipDone &&
    Object.keys(event.state.steps ?? {}).length === 0 &&
    Object.keys(event.state.failures ?? {}).length === 0
  );
}

/**
 * Gathers the records of a top-level group's fusable steps (two or more) for one write; others write their own.
 * When the group is the whole run, keeps each item as written: `written()` is then every step record of the run.
 */
function groupRecords(deps: Deps, event: GroupEvent, keepsWritten: boolean) {
  const { tenantId } = event.state.run;
  const executionId = event.state.execution.id;
  const fusable = event.group.filter(isFusable);
  let pending: Array<{ record: StepRecord; position: number }> = [];
  const gathers = event.state.index === undefined && fusable.length > 1;
  const items = new Map<string, Record<string, unknown>>();
  const keep = (item: Record<string, unknown> | undefined) => {
    if (item) items.set(String(item.SK), item);
  };
  return {
    recorderOf: (step: Step): StepRecorder | undefined => {
      if (gathers && isFusable(step))
        return async (record) => void pending.push({ record, position: fusable.indexOf(step) });
      return keepsWritten
        ? async (record) => keep(await recordStepAttempt(deps, tenantId, executionId, record, true))
        : undefined;
    },
    async flush() {
      if (pending.length === 0) return;
      const written = pending;
      pending = [];
      keep(await recordGroupAttempts(deps, tenantId, executionId, fusable[0]!.id, written, keepsWritten));
    },
    written: (): StepRecord[] | undefined => (keepsWritten ? stepRecordsOf([...items.values()]) : undefined),
  };
}
