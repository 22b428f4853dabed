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
import type { Deps } from '../deps';
import type { RunState } from '../executions/execution-model';
import { finalizeExecution } from '../executions/finalize-execution';
import type { Step } from '../recipes/recipe-schema';
import { isFusable } from '../steps/runtimes';
import { RunSettled } from './step-errors';
import { type Component, runStep } from './step-runner';

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
  for (const step of event.group) {
    const done = state.steps[step.id];
    if (event.skipDone && done && 'output' in done) continue;
    const component = components[step.type] as Component<Step> | undefined;
    if (!component) throw new Error(`this function cannot run a ${step.type} step`);
    try {
      const { output } = await runStep(deps, { step, state, attempt: event.attempt ?? 0 }, component);
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
      await finalizeExecution(deps, { outcome: 'failed', state: failed, ...arn });
      throw new RunSettled(`step ${step.id} failed; the run is settled`);
    }
  }
  if (!event.finalize) return state;
  return finalizeExecution(deps, { outcome: 'succeeded', ...event.finalize, state, ...arn });
}
