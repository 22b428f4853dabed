// Wait states of any length the service allows. aws-local-stepfunctions sleeps with one setTimeout, which
// Node caps at 2^31−1 ms (~24.8 days): a longer wait ends at once. So each Wait state is run as a local Task
// that computes its wake time as the service does (Seconds, SecondsPath, Timestamp, TimestampPath, after
// InputPath), sleeps in bounded slices, and reports its wake time so a restarted run keeps it.
import { SERVICE_TASK_TIMEOUT } from './lambda-emulation';

type AslStates = Record<string, Record<string, unknown>>;

const LOCAL_WAIT = 'arn:aws:states:::local:wait';
/** The longest single timer Node keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A copy of the definition's States (also inside Map iterators) with every Wait state made a local Task. */
export function withLocalWaits(states: AslStates): AslStates {
  const copy: AslStates = {};
  for (const [name, state] of Object.entries(states)) {
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: AslStates } | undefined;
    if (processor?.States) {
      const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      copy[name] = { ...state, [key]: { ...processor, States: withLocalWaits(processor.States) } };
    } else if (state.Type === 'Wait') {
      copy[name] = waitAsTask(state);
    } else copy[name] = state;
  }
  return copy;
}

function waitAsTask(wait: Record<string, unknown>): Record<string, unknown> {
  const { Type: _, Seconds, SecondsPath, Timestamp, TimestampPath, InputPath, ...rest } = wait;
  // Paths of a Wait are read from the input after InputPath; the Task reads its raw input, so join them.
  const under = (p: unknown) => (typeof InputPath === 'string' ? `${InputPath}${String(p).slice(1)}` : p);
  const parameters: Record<string, unknown> = {
    'raw.$': '$',
    'effective.$': typeof InputPath === 'string' ? InputPath : '$',
  };
  if (Seconds !== undefined) parameters.seconds = Seconds;
  if (SecondsPath !== undefined) parameters['seconds.$'] = under(SecondsPath);
  if (Timestamp !== undefined) parameters.timestamp = Timestamp;
  if (TimestampPath !== undefined) parameters['timestamp.$'] = under(TimestampPath);
  // A Wait has no timeout; the interpreter fails a Task after 60 seconds unless told otherwise.
  return {
    ...rest,
    Type: 'Task',
    Resource: LOCAL_WAIT,
    Parameters: parameters,
    TimeoutSeconds: SERVICE_TASK_TIMEOUT,
  };
}

/** The names of the definition's Wait states, at every depth, and whether each is at the top level. */
export function waitStateNames(states: AslStates, topLevel = true): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') names.set(name, topLevel);
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: AslStates } | undefined;
    if (processor?.States) for (const entry of waitStateNames(processor.States, false)) names.set(...entry);
  }
  return names;
}

export interface WaitHooks {
  /** The wake time a resumed run already had for this state, if any. */
  resumedWakeAt: (stateName: string) => number | undefined;
  /** Called as a top-level wait starts, with its raw input and wake time (the resume point). */
  onWaitStart: (stateName: string, rawInput: unknown, wakeAt: number) => void;
  signal: AbortSignal;
}

/** Handlers for the local Wait tasks of one execution (merged into taskResourceLocalHandlers). */
export function waitOverrides(states: AslStates, hooks: WaitHooks) {
  const overrides: Record<string, (parameters: unknown) => Promise<unknown>> = {};
  for (const [name, topLevel] of waitStateNames(states)) {
    overrides[name] = async (parameters) => {
      const { raw, effective, seconds, timestamp } = parameters as {
        raw: unknown;
        effective: unknown;
        seconds?: unknown;
        timestamp?: unknown;
      };
      const wakeAt = hooks.resumedWakeAt(name) ?? wakeTime(seconds, timestamp);
      if (topLevel) hooks.onWaitStart(name, raw, wakeAt);
      await sleepUntil(wakeAt, hooks.signal);
      return effective;
    };
  }
  return overrides;
}

function wakeTime(seconds: unknown, timestamp: unknown): number {
  if (seconds !== undefined) {
    if (!Number.isInteger(seconds) || (seconds as number) < 0)
      throw runtimeError("The Wait state's SecondsPath must point to a non-negative integer");
    return Date.now() + (seconds as number) * 1000;
  }
  const at = typeof timestamp === 'string' && RFC3339.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) throw runtimeError("The Wait state's timestamp must be an RFC3339 timestamp");
  return at;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function runtimeError(message: string): Error {
  return Object.assign(new Error(message), { name: 'States.Runtime' });
}

/** Sleeps until `wakeAt` in slices Node can time, ending early (quietly) when the run is stopped. */
async function sleepUntil(wakeAt: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && Date.now() < wakeAt) {
    await new Promise<void>((resolve) => {
      // Unreferenced: a waiting run never keeps a stopping process alive (it resumes on the next start).
      const timer = setTimeout(done, Math.min(wakeAt - Date.now(), MAX_TIMER_MS)).unref();
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
