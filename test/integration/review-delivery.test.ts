// A decision is recorded only once its task token reached the workflow: a throttled SendTaskSuccess leaves the
// review pending and the run waiting, and the same decision succeeds when tried again.
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExecutionRecord } from '../../shared/executions/execution-repository';
import { decideReview, listReviews } from '../../shared/reviews/reviews';
import { type LocalStack, startFakeServer, startLocalStack } from '../support/local-stack';
import { startRunAwaitingReview } from '../support/review-run';
import { until } from '../support/until';

let stack: LocalStack;
let throttling: Awaited<ReturnType<typeof startFakeServer>>;
const tenant = 'ten_reviewdelivery';
const sendTaskCalls: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack();
  // Step Functions' JSON protocol answering every call with a throttling error.
  throttling = await startFakeServer((req, res) => {
    sendTaskCalls.push(String(req.headers['x-amz-target']));
    res.writeHead(400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'ThrottlingException',
    });
    res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
  });
});
afterAll(async () => {
  await throttling.close();
  await stack.stop();
});

describe('review decisions', () => {
  it('records nothing when the token cannot be delivered, and succeeds when decided again', async () => {
    const { deps } = stack;
    const started = await startRunAwaitingReview(deps, tenant, { withAfter: false });
    const [review] = (await listReviews(deps, tenant, 'pending', { limit: 10 })).items;

    const throttled = {
      ...deps,
      sfn: new SFNClient({
        region: 'us-east-1',
        endpoint: throttling.url,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 2,
      }),
    };
    await expect(
      decideReview(throttled, tenant, review!.id, { decision: 'approve' }, 'ann'),
    ).rejects.toMatchObject({ status: 503 });
    expect(sendTaskCalls).toEqual(['AWSStepFunctions.SendTaskSuccess', 'AWSStepFunctions.SendTaskSuccess']);
    expect((await listReviews(deps, tenant, 'pending', { limit: 10 })).items.map((r) => r.id)).toEqual([
      review!.id,
    ]);
    expect((await getExecutionRecord(deps, tenant, started.id)).status).toBe('waiting_review');

    const decided = await decideReview(deps, tenant, review!.id, { decision: 'approve' }, 'ann');
    expect(decided).toMatchObject({ status: 'approved', decision: { reviewer: 'ann' } });
    const done = await until(
      () => getExecutionRecord(deps, tenant, started.id),
      (e) => e.status === 'succeeded',
    );
    expect(done.output).toMatchObject({ decision: 'approve', data: 'hello' });
  });
});
