// Express workflows send no status-change events: a run that ends without Finalize (a workflow timeout) is
// settled from its ERROR-level execution log line, delivered by the CloudWatch Logs subscription.
import { gzipSync } from 'node:zlib';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { handler } from '../../functions/triggers/execution-status';
import { sfnOf } from '../../shared/clients/sfn';
import { getAccount, listLedger, openAccountIfMissing } from '../../shared/credits/credits';
import { prices } from '../../shared/credits/pricing';
import { getExecutionRecord } from '../../shared/executions/execution-repository';
import { listReviews } from '../../shared/reviews/reviews';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { startRunAwaitingReview } from '../support/review-run';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const tenant = 'ten_expresslogs';

function logEvent(messageType: string, lines: unknown[]): CloudWatchLogsEvent {
  const data = {
    messageType,
    owner: '123456789012',
    logGroup: '/aws/vendedlogs/states/recipeflow',
    logStream: 'states/recipeflow/2026-11-25/abc',
    subscriptionFilters: ['RunsEndedWithoutFinalize'],
    logEvents: lines.map((line, i) => ({
      id: String(i),
      timestamp: 1795640400000,
      message: JSON.stringify(line),
    })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
}

describe('the Standard safety net', () => {
  it('charges a run that died outside any Catch for the steps it attempted, at its start prices', async () => {
    const { deps } = stack;
    const tenantId = 'ten_standardnet';
    await openAccountIfMissing(deps, tenantId, 'enterprise');
    const before = (await getAccount(deps, tenantId)).balance;
    const started = await startRunAwaitingReview(deps, tenantId);
    // Prices change after the start: the run is still settled at the prices it started with.
    const transformPrice = prices.steps.transform!;
    prices.steps.transform = 50;
    onTestFinished(() => {
      prices.steps.transform = transformPrice;
    });
    const executionArn = `arn:aws:states:us-east-1:1:execution:m:${tenantId}.${started.id}`;
    // EventBridge's status change carries the run's first input, in which no step has run yet.
    const firstInput = { run: { tenantId }, execution: { id: started.id }, steps: {} };
    await handler(
      {
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        detail: {
          executionArn,
          status: 'TIMED_OUT',
          input: JSON.stringify(firstInput),
          error: 'States.Timeout',
        },
      } as never,
      {} as never,
    );
    const settled = await getExecutionRecord(deps, tenantId, started.id);
    // the run 1 + draft 1 + the review 1; `after` never ran
    expect(settled).toMatchObject({ status: 'timed_out', creditsReserved: 4, creditsCharged: 3 });
    expect(before - (await getAccount(deps, tenantId)).balance).toBe(3);
    const ledger = (await listLedger(deps, tenantId, { limit: 100 })).items.filter(
      (entry) => entry.executionId === started.id,
    );
    expect(ledger.reduce((sum, entry) => sum + entry.amount, 0)).toBe(-3);
    await (await sfnOf(deps)).client.send(new StopExecutionCommand({ executionArn: started.executionArn! }));
    await stack.idle();
  });
});

describe('the Express safety net', () => {
  it('settles a run from its logged ExecutionTimedOut once, refunding what it did not run', async () => {
    const { deps } = stack;
    await openAccountIfMissing(deps, tenant, 'enterprise');
    const before = (await getAccount(deps, tenant)).balance;
    const started = await startRunAwaitingReview(deps, tenant);
    // The run is named after its tenant and id, so a log line alone leads back to it.
    expect(started.executionArn).toMatch(new RegExp(`:${tenant}\\.${started.id}$`));
    const line = {
      id: '7',
      type: 'ExecutionTimedOut',
      details: { error: 'States.Timeout', cause: 'The execution timed out.' },
      previous_event_id: '6',
      event_timestamp: '1795640400000',
      execution_arn: `arn:aws:states:us-east-1:123456789012:express:recipeflow-abc:${tenant}.${started.id}:4b1a2c7e-0b7e-4cde-9f60-8f0a4f1f2b11`,
    };
    await handler(logEvent('CONTROL_MESSAGE', []), {} as never);
    await handler(
      logEvent('DATA_MESSAGE', [line, { ...line, execution_arn: 'arn:aws:states:x:1:express:m:other:1' }]),
      {} as never,
    );
    const settled = await getExecutionRecord(deps, tenant, started.id);
    expect(settled).toMatchObject({ status: 'timed_out', error: { type: 'States.Timeout' } });
    // Charged: the run and the two steps that ran (draft, the review); the last step refunded.
    const charged = before - (await getAccount(deps, tenant)).balance;
    expect(charged).toBe(settled.creditsCharged);
    expect(charged).toBeLessThan(started.creditsReserved);
    // The review it waited on can no longer be decided.
    const expired = await listReviews(deps, tenant, 'expired', { limit: 10 });
    expect(expired.items.map((r) => r.executionId)).toContain(started.id);

    // The subscription delivers at least once: a second delivery changes nothing.
    await handler(logEvent('DATA_MESSAGE', [line]), {} as never);
    expect((await getAccount(deps, tenant)).balance).toBe(before - charged);
    // In the cloud the workflow is over; end the emulator's run the same way.
    await (await sfnOf(deps)).client.send(new StopExecutionCommand({ executionArn: started.executionArn! }));
    await stack.idle();
    expect((await getExecutionRecord(deps, tenant, started.id)).status).toBe('timed_out');
  });
});
