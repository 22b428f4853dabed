// POST /v1/steps/test: one step tried on its own, as a run would run it (templates, the tenant's settings,
// credentials, address policy and limits), like Step Functions' TestState or n8n's "execute node". A Lambda
// type runs in its own function (invoked as the state machine would, with a test flag that records nothing),
// and is charged its price; a control type answers what it would do, without waiting. The Lambda client is
// imported by the first test of a Lambda type, not at start-up (GET /v1/step-types shares the function).
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { templateScope } from '../components/step-runner';
import { awsClientSettings, setting } from '../config';
import { debitUpdate, getAccount, ledgerPut } from '../credits/credits';
import type { Deps } from '../deps';
import { InsufficientCredits } from '../errors';
import type { RunState } from '../executions/execution-model';
import { hydrateReferenced } from '../executions/payload-store';
import { newId } from '../ids';
import { recordCalls } from '../observability/call-recorder';
import { evaluateCondition } from '../recipes/condition';
import { resolveTemplates } from '../recipes/template';
import { getSettings } from '../settings/settings';
import { parseWith } from '../validation';
import { stepTypeOf } from './registry';
import { type Step, stepSchema } from './step-schema';
import type { StepTestRequest } from './test-step-schema';

export interface StepTestResult {
  status: 'succeeded' | 'failed';
  output: unknown;
  error: { type: string; message: string } | null;
  latencyMs: number;
  usage: Record<string, unknown> | null;
  /** Credits charged for the attempt. */
  charged: number;
}

let lambda: LambdaClient | undefined;

export async function testStep(
  deps: Deps,
  tenantId: string,
  request: StepTestRequest,
): Promise<StepTestResult> {
  const step = parseWith(stepSchema, request.step, { prefix: 'step' }) as Step;
  const definition = stepTypeOf(step.type)!;
  const settings = await getSettings(deps, tenantId);
  const state: RunState = {
    input: request.input,
    steps: request.steps,
    failures: {},
    settings: settings.values,
    execution: { id: newId('tst'), startedAt: deps.now().toISOString(), test: true },
    ...(request.item !== undefined ? { item: request.item, index: request.index ?? 0 } : {}),
    run: {
      tenantId,
      recipeId: 'step-test',
      version: 0,
      httpAllowList: settings.httpAllowList,
      ai: settings.ai,
      credits: { reserved: definition.price, run: 0, steps: { [step.id]: definition.price } },
    },
  };
  const started = performance.now();
  if (definition.kind !== 'task') {
    const output = await wouldDo(deps, step, state);
    return { status: 'succeeded', output, error: null, latencyMs: elapsed(started), usage: null, charged: 0 };
  }
  // Loaded before the charge: a step is charged only once it can be invoked.
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  await charge(deps, tenantId, definition.price, step.id);
  lambda ??= recordCalls(new LambdaClient(awsClientSettings(deps.config, deps.config.LAMBDA_ENDPOINT)));
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: `${setting(deps.config, 'COMPONENT_ARN_PREFIX')}${step.type}`,
      Payload: Buffer.from(JSON.stringify({ step, state, attempt: 0 })),
    }),
  );
  const payload = JSON.parse(Buffer.from(response.Payload ?? []).toString('utf8') || 'null') as Record<
    string,
    unknown
  > | null;
  const latencyMs = elapsed(started);
  if (response.FunctionError) {
    const error = {
      type: String(payload?.errorType ?? 'Error'),
      message: String(payload?.errorMessage ?? 'the step failed'),
    };
    return { status: 'failed', output: null, error, latencyMs, usage: null, charged: definition.price };
  }
  return {
    status: 'succeeded',
    output: payload?.output ?? null,
    error: null,
    latencyMs,
    usage: (payload?.usage as Record<string, unknown> | undefined) ?? null,
    charged: definition.price,
  };
}

/** What a control step would do with this state: the branch taken, the items, the time, the question. */
async function wouldDo(deps: Deps, step: Step, given: RunState): Promise<unknown> {
  const state = await hydrateReferenced(deps, given, step);
  const scope = templateScope(state);
  if (step.type === 'branch') {
    const taken = step.cases.find((c) => evaluateCondition(c.when, scope));
    return { next: taken?.goto ?? step.default, matchedCase: taken ? step.cases.indexOf(taken) : null };
  }
  if (step.type === 'map') {
    const items = resolveTemplates(step.items, scope);
    const list = Array.isArray(items) ? items : null;
    return {
      items: list,
      count: list?.length ?? 0,
      maxItems: step.maxItems,
      ...(list === null ? { problem: 'items does not resolve to a list' } : {}),
      ...(list && list.length > step.maxItems
        ? { problem: `more items than maxItems (${step.maxItems})` }
        : {}),
    };
  }
  if (step.type === 'wait') {
    const until =
      step.seconds !== undefined
        ? new Date(deps.now().getTime() + step.seconds * 1000).toISOString()
        : String(resolveTemplates(step.until, scope));
    return { until };
  }
  if (step.type === 'review') {
    return {
      message: resolveTemplates(step.message, scope),
      data: resolveTemplates(step.data ?? null, scope),
      timeoutSeconds: step.timeoutSeconds ?? stepTypeOf('review')!.defaults.timeoutSeconds,
      onTimeout: step.onTimeout,
    };
  }
  return null;
}

/** The step's price, debited with its ledger entry in one transaction; 402 when the balance is short. */
async function charge(deps: Deps, tenantId: string, price: number, stepId: string): Promise<void> {
  if (price === 0) return;
  try {
    await deps.db.send(
      new TransactWriteCommand({
        TransactItems: [
          debitUpdate(deps, tenantId, price),
          ledgerPut(deps, tenantId, { type: 'step_test', amount: -price, reason: `step test: ${stepId}` }),
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'TransactionCanceledException') throw error;
    const account = await getAccount(deps, tenantId).catch(() => undefined);
    throw new InsufficientCredits(
      `this step costs ${price} credits and the balance is ${account?.balance ?? 0}`,
    );
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);
