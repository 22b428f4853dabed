// Recipe → Amazon States Language. A pure function: the same recipe and component ARNs give byte-identical ASL.
// Success path transitions = one per step + one Finalize; nothing else runs unless a step fails.
import { createHash } from 'node:crypto';
import { choiceRule, jsonPath } from './choice-rules';
import type { RecipeDefinition, RetryPolicy, Step } from './recipe-schema';

export type ComponentName = 'http' | 'ai' | 'transform' | 'score' | 'correspond' | 'review' | 'finalize';
export interface CompileOptions {
  componentArn: (component: ComponentName) => string;
}

export type AslState = Record<string, unknown>;
export interface Asl {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

export const FINALIZE = 'Finalize';
export const RECORD_FAILURE = 'RecordFailure';
const FAILED = 'Failed';

// The transient Lambda service errors AWS recommends retrying on every lambda:invoke task.
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** Errors a step's own retry policy applies to; `StepRejected` (bad config, 4xx, blocked address) never retries. */
export const RETRYABLE_STEP_ERRORS = ['StepFailed', 'States.Timeout'];

const DEFAULT_TIMEOUT: Record<string, number> = {
  http: 30,
  ai: 50,
  transform: 10,
  score: 10,
  correspond: 30,
};
const DEFAULT_RETRY: Partial<Record<string, RetryPolicy>> = {
  http: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, jitter: 'full' },
  ai: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, jitter: 'full' },
  correspond: { maxAttempts: 3, intervalSeconds: 2, backoffRate: 2, jitter: 'full' },
};

export function compileRecipe(recipe: RecipeDefinition, options: CompileOptions): Asl {
  const states: Record<string, AslState> = {};
  compileSequence(recipe.steps, { terminal: FINALIZE, failTarget: RECORD_FAILURE }, options, states);
  reviewTimeoutStates(recipe.steps, states);
  const lastStep = recipe.steps.at(-1)?.id ?? null;
  // The execution ARN reaches the record here, with the final status, so the start needs no second write.
  states[FINALIZE] = lambdaTask(options.componentArn('finalize'), {
    outcome: 'succeeded',
    output: recipe.output ?? null,
    lastStep,
    'state.$': '$',
    'executionArn.$': '$$.Execution.Id',
  });
  Object.assign(states[FINALIZE], { OutputPath: '$.Payload', End: true });
  states[RECORD_FAILURE] = lambdaTask(options.componentArn('finalize'), {
    outcome: 'failed',
    'state.$': '$',
    'executionArn.$': '$$.Execution.Id',
  });
  Object.assign(states[RECORD_FAILURE], { ResultPath: null, Next: FAILED });
  states[FAILED] = {
    Type: 'Fail',
    Error: 'RecipeFailed',
    Cause: 'A step failed; the execution record names it.',
  };
  return { Comment: 'recipeflow recipe', StartAt: recipe.steps[0]!.id, States: states };
}

interface SequenceContext {
  /** Where the sequence ends (Finalize, or the end of a map iteration). */
  terminal: string;
  /** Where a failing step goes; null inside a map, where the failure ends the Map state itself. */
  failTarget: string | null;
}

function compileSequence(
  steps: Step[],
  context: SequenceContext,
  options: CompileOptions,
  states: Record<string, AslState>,
) {
  steps.forEach((step, index) => {
    const next = steps[index + 1]?.id ?? context.terminal;
    states[step.id] = compileStep(step, next, context, options);
  });
}

function compileStep(step: Step, next: string, context: SequenceContext, options: CompileOptions): AslState {
  const target = (id: string) => (id === 'end' ? context.terminal : id);
  if (step.type === 'wait') return compileWait(step, next);
  if (step.type === 'branch') {
    return {
      Type: 'Choice',
      Choices: step.cases.map((c) => ({ ...choiceRule(c.when), Next: target(c.goto) })),
      Default: target(step.default),
    };
  }
  if (step.type === 'map') return compileMap(step, next, context, options);
  if (step.type === 'review') return compileReview(step, next, context, options);

  const task = lambdaTask(options.componentArn(step.type), {
    step,
    'state.$': '$',
    'attempt.$': '$$.State.RetryCount',
  });
  const policy = step.retry ?? DEFAULT_RETRY[step.type];
  const retry = task.Retry as AslState[];
  if (policy && policy.maxAttempts > 1) retry.push(stepRetrier(policy));
  const catchers = catcher(step, next, context);
  return {
    ...task,
    ResultSelector: { 'output.$': '$.Payload.output' },
    ResultPath: `$.steps.${step.id}`,
    TimeoutSeconds: step.timeoutSeconds ?? DEFAULT_TIMEOUT[step.type],
    ...(catchers ? { Catch: catchers } : {}),
    Next: next,
  };
}

// Each item runs the nested steps with `item` (and its index) beside the run's state; the iteration's result
// is its last step's output, and the Map's result lands at $.steps.<id>.output.
function compileMap(
  step: Extract<Step, { type: 'map' }>,
  next: string,
  context: SequenceContext,
  options: CompileOptions,
): AslState {
  const done = `Done_${step.id}`;
  const inner: Record<string, AslState> = {};
  compileSequence(step.steps, { terminal: done, failTarget: null }, options, inner);
  inner[done] = { Type: 'Pass', OutputPath: `$.steps.${step.steps.at(-1)!.id}.output`, End: true };
  const itemsPath = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(step.items)?.[1] ?? step.items;
  const catchers = catcher(step, next, context);
  return {
    Type: 'Map',
    ItemsPath: jsonPath(itemsPath),
    MaxConcurrency: step.maxConcurrency,
    ItemSelector: {
      'input.$': '$.input',
      'steps.$': '$.steps',
      'settings.$': '$.settings',
      'execution.$': '$.execution',
      'run.$': '$.run',
      'item.$': '$$.Map.Item.Value',
      'index.$': '$$.Map.Item.Index',
      // Credits were reserved for this many items; an item beyond it fails the map (see step-runner).
      maxItems: step.maxItems,
    },
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: step.steps[0]!.id, States: inner },
    ResultPath: `$.steps.${step.id}.output`,
    ...(catchers ? { Catch: catchers } : {}),
    Next: next,
  };
}

export const REVIEW_TIMEOUT_SECONDS = 86_400;

// The component stores the task token on a review and returns; the state waits until a decision sends the
// token back (its output is { output: ReviewOutput }) or the timeout applies the step's onTimeout rule.
function compileReview(
  step: Extract<Step, { type: 'review' }>,
  next: string,
  context: SequenceContext,
  options: CompileOptions,
): AslState {
  const task = lambdaTask(options.componentArn('review'), {
    step,
    'state.$': '$',
    'taskToken.$': '$$.Task.Token',
  });
  task.Resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
  const catchers = catcher(step, next, context) ?? [];
  if (step.onTimeout === 'approve') {
    catchers.unshift({
      ErrorEquals: ['States.Timeout'],
      ResultPath: `$.steps.${step.id}`,
      Next: `Timeout_${step.id}`,
    });
  }
  return {
    ...task,
    ResultSelector: { 'output.$': '$.output' },
    ResultPath: `$.steps.${step.id}`,
    TimeoutSeconds: step.timeoutSeconds ?? REVIEW_TIMEOUT_SECONDS,
    ...(catchers.length ? { Catch: catchers } : {}),
    Next: next,
  };
}

/** The extra state an auto-approving review needs: the approval it records when nobody decided in time. */
function reviewTimeoutStates(steps: Step[], states: Record<string, AslState>): void {
  for (const [index, step] of steps.entries()) {
    if (step.type !== 'review' || step.onTimeout !== 'approve') continue;
    // The approval carries the reviewed data: read by path when `data` is one template, else as written.
    const whole =
      typeof step.data === 'string' ? /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(step.data)?.[1] : undefined;
    const data = whole ? { 'data.$': jsonPath(whole) } : { data: step.data ?? null };
    states[`Timeout_${step.id}`] = {
      Type: 'Pass',
      Parameters: {
        output: { decision: 'approve', edits: null, ...data, reviewer: 'timeout', decidedAt: null },
      },
      ResultPath: `$.steps.${step.id}`,
      Next: steps[index + 1]?.id ?? FINALIZE,
    };
  }
}

function compileWait(step: Extract<Step, { type: 'wait' }>, next: string): AslState {
  if (step.seconds !== undefined) return { Type: 'Wait', Seconds: step.seconds, Next: next };
  const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(step.until ?? '');
  if (whole?.[1]) return { Type: 'Wait', TimestampPath: jsonPath(whole[1]), Next: next };
  return { Type: 'Wait', Timestamp: step.until, Next: next };
}

function lambdaTask(functionArn: string, payload: Record<string, unknown>): AslState {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, Payload: payload },
    Retry: [
      {
        ErrorEquals: LAMBDA_TRANSIENT_ERRORS,
        IntervalSeconds: 1,
        MaxAttempts: 3,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      },
    ],
  };
}

function stepRetrier(policy: RetryPolicy): AslState {
  return {
    ErrorEquals: RETRYABLE_STEP_ERRORS,
    IntervalSeconds: policy.intervalSeconds,
    MaxAttempts: policy.maxAttempts - 1,
    BackoffRate: policy.backoffRate,
    ...(policy.maxDelaySeconds ? { MaxDelaySeconds: policy.maxDelaySeconds } : {}),
    JitterStrategy: policy.jitter === 'full' ? 'FULL' : 'NONE',
  };
}

function catcher(step: Step, next: string, context: SequenceContext): AslState[] | null {
  const onError = step.onError ?? 'fail';
  if (onError === 'fail') {
    if (!context.failTarget) return null;
    return [{ ErrorEquals: ['States.ALL'], ResultPath: `$.failures.${step.id}`, Next: context.failTarget }];
  }
  const target = onError === 'continue' ? next : onError.goto === 'end' ? context.terminal : onError.goto;
  return [{ ErrorEquals: ['States.ALL'], ResultPath: `$.steps.${step.id}.error`, Next: target }];
}

/** Express when nothing can pause the run and it fits Express's 5-minute limit; Standard otherwise. */
export function chooseEngine(recipe: RecipeDefinition): 'STANDARD' | 'EXPRESS' {
  if (recipe.mode !== 'auto') return recipe.mode === 'express' ? 'EXPRESS' : 'STANDARD';
  // A pause is billed by the second on Express, free on Standard; a map's length is only known at run time.
  if (recipe.steps.some((step) => step.type === 'wait' || step.type === 'review' || step.type === 'map')) {
    return 'STANDARD';
  }
  return worstCaseSeconds(recipe.steps) <= EXPRESS_MAX_SECONDS ? 'EXPRESS' : 'STANDARD';
}

/** Step Functions stops an Express run after five minutes. */
export const EXPRESS_MAX_SECONDS = 300;

/**
 * The longest a sequence can run: every attempt of every step to its timeout, retries included, a map's items
 * in rounds of its concurrency. Infinity when it can pause for a person or until a time (review, wait until).
 */
export function worstCaseSeconds(steps: Step[]): number {
  let total = 0;
  for (const step of steps) {
    if (step.type === 'review' || (step.type === 'wait' && step.seconds === undefined)) return Infinity;
    if (step.type === 'wait') total += step.seconds ?? 0;
    else if (step.type === 'branch') continue;
    else if (step.type === 'map') {
      // An inline Map runs up to 40 iterations at once when its concurrency is unlimited (0).
      const parallel = Math.min(step.maxConcurrency || 40, 40);
      total += Math.ceil(step.maxItems / parallel) * worstCaseSeconds(step.steps);
    } else {
      const attempts = (step.retry ?? DEFAULT_RETRY[step.type])?.maxAttempts ?? 1;
      total += (step.timeoutSeconds ?? DEFAULT_TIMEOUT[step.type] ?? 60) * attempts;
    }
  }
  return total;
}

/** State machines are named by a hash of their definition and type, so identical recipes share one. */
export function stateMachineName(asl: Asl, engine: string): string {
  const digest = createHash('sha256').update(engine).update(JSON.stringify(asl)).digest('hex');
  return `recipeflow-${digest.slice(0, 40)}`;
}

/**
 * The same definition started at `stepId`, keeping only the states reachable from there: what a redrive runs,
 * so the steps that succeeded before the failure are not run again.
 */
export function resumeFrom(asl: Asl, stepId: string): Asl {
  if (!asl.States[stepId]) throw new Error(`no state ${stepId}`);
  const reachable = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || reachable.has(name) || !asl.States[name]) return;
    reachable.add(name);
    const state = asl.States[name]!;
    visit(state.Next as string | undefined);
    visit(state.Default as string | undefined);
    for (const choice of (state.Choices ?? []) as Array<{ Next: string }>) visit(choice.Next);
    for (const handler of (state.Catch ?? []) as Array<{ Next: string }>) visit(handler.Next);
  };
  visit(stepId);
  return {
    Comment: asl.Comment,
    StartAt: stepId,
    States: Object.fromEntries(Object.entries(asl.States).filter(([name]) => reachable.has(name))),
  };
}
