// Human review: the `review` component stores a review with the Task token of its `.waitForTaskToken` state
// and the run waits; a decision sends the token back (SendTaskSuccess / SendTaskFailure) and the run goes on.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sfnOf } from '../clients/sfn';
import { fromStored, toStored } from '../data/json-values';
import { keys, stripKeys } from '../data/keys';
import { type PageRequest, queryPartition } from '../data/pagination';
import type { Deps } from '../deps';
import { Conflict, NotFound, TryAgainLater } from '../errors';
import type { RunState } from '../executions/execution-model';
import { terminalStatuses } from '../executions/execution-model';
import {
  getExecutionRecord,
  recordStepAttempt,
  transitionExecution,
} from '../executions/execution-repository';
import type { Decision } from './decision-schema';
import { closeReview, reviewId } from './review-records';

export const reviewStatuses = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];

export interface Review {
  id: string;
  executionId: string;
  stepId: string;
  message: string;
  data: unknown;
  status: ReviewStatus;
  deadline: string;
  createdAt: string;
  decision?: ReviewOutput;
  /** Why a review closed without a decision (its run ended first). */
  reason?: string;
}

export interface ReviewOutput {
  decision: 'approve' | 'reject';
  edits: Record<string, unknown> | null;
  /** The reviewed data with the edits applied (a shallow merge for objects). */
  data: unknown;
  reviewer: string;
  decidedAt: string;
  comment?: string;
}

const ORDER = [
  'id',
  'status',
  'executionId',
  'stepId',
  'message',
  'data',
  'deadline',
  'createdAt',
  'decision',
  'reason',
];

/** Called by the review component: the same execution step always maps to the same review, so a resumed wait
 * (after a restart) refreshes the token of the review people already see. */
export async function requestReview(
  deps: Deps,
  state: RunState,
  input: { stepId: string; message: string; data: unknown; taskToken: string; timeoutSeconds: number },
): Promise<Review> {
  const { tenantId } = state.run;
  const executionId = state.execution.id;
  const id = reviewId(executionId, input.stepId);
  const now = deps.now();
  const createdAt = now.toISOString();
  const deadline = new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString();
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.review(tenantId, id),
      UpdateExpression:
        'SET id = :id, executionId = :e, stepId = :s, message = :m, #data = :d, taskToken = :t, deadline = :deadline, ' +
        '#status = :pending, createdAt = if_not_exists(createdAt, :now), GSI1PK = :gsi, GSI1SK = if_not_exists(GSI1SK, :sort)',
      ConditionExpression: 'attribute_not_exists(PK) OR #status = :pending',
      ExpressionAttributeNames: { '#data': 'data', '#status': 'status' },
      ExpressionAttributeValues: {
        ':id': id,
        ':e': executionId,
        ':s': input.stepId,
        ':m': input.message,
        ':d': toStored(input.data ?? null),
        ':t': input.taskToken,
        ':deadline': deadline,
        ':pending': 'pending',
        ':now': createdAt,
        ':gsi': keys.reviewsByStatus(tenantId, 'pending'),
        ':sort': `${createdAt}#${id}`,
      },
    }),
  );
  await transitionExecution(deps, tenantId, executionId, ['running'], 'waiting_review');
  await recordStepAttempt(deps, tenantId, executionId, {
    stepId: input.stepId,
    type: 'review',
    status: 'waiting',
    attempts: 1,
    startedAt: createdAt,
    finishedAt: createdAt,
    latencyMs: 0,
    outputPreview: JSON.stringify({ reviewId: id, deadline }),
  });
  return {
    id,
    executionId,
    stepId: input.stepId,
    message: input.message,
    data: input.data,
    status: 'pending',
    deadline,
    createdAt,
  };
}

export async function getReview(deps: Deps, tenantId: string, id: string) {
  const { Item } = await deps.db.send(
    new GetCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.review(tenantId, id),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new NotFound('review');
  return decoded(Item);
}

/** A review item with its data and decision as they were given (see shared/data/json-values). */
function decoded(item: Record<string, unknown>): Record<string, unknown> {
  return {
    ...item,
    data: fromStored(item.data),
    ...('decision' in item ? { decision: fromStored(item.decision) } : {}),
  };
}

export function listReviews(deps: Deps, tenantId: string, status: ReviewStatus, page: PageRequest) {
  return queryPartition(deps, { pk: keys.reviewsByStatus(tenantId, status), index: 'GSI1' }, page, (item) => {
    const { taskToken: _, ...review } = stripKeys<Review & { taskToken: string }>(decoded(item), ORDER);
    return review;
  });
}

/** One review as a reader sees it (its task token never leaves the table). */
export async function readReview(deps: Deps, tenantId: string, id: string): Promise<Review> {
  const { taskToken: _, ...review } = stripKeys<Review & { taskToken?: string }>(
    await getReview(deps, tenantId, id),
    ORDER,
  );
  return review;
}

/** Records the decision once (a second one is 409) and resumes the run. */
export async function decideReview(
  deps: Deps,
  tenantId: string,
  id: string,
  input: Decision,
  reviewer: string,
): Promise<Review> {
  const item = await getReview(deps, tenantId, id);
  if (item.status !== 'pending') throw new Conflict(`this review is already ${item.status}`);
  // A run that ended (cancelled, timed out) no longer waits: close the review rather than record a decision
  // nothing will act on.
  const run = await getExecutionRecord(deps, tenantId, String(item.executionId));
  if (terminalStatuses.has(run.status)) {
    const reason = `the run ended (${run.status}) before a decision`;
    await closeReview(deps, tenantId, id, reason);
    throw new Conflict(`this review is closed: ${reason}`);
  }
  const decidedAt = deps.now().toISOString();
  const expired = new Date(String(item.deadline)).getTime() < deps.now().getTime();
  // Who decided comes first, so the step record's 500-character preview always shows it.
  const output: ReviewOutput = {
    decision: input.decision,
    reviewer,
    decidedAt,
    ...(input.comment ? { comment: input.comment } : {}),
    edits: input.edits ?? null,
    data: applyEdits(item.data, input.edits),
  };
  if (expired) {
    await closeReview(deps, tenantId, id, 'the review timed out; its step applied its onTimeout rule');
    throw new Conflict('this review expired; its step already applied its onTimeout rule');
  }
  const status: ReviewStatus = input.decision === 'approve' ? 'approved' : 'rejected';
  // Claim, deliver, record: the decision is recorded only once its task token reached the workflow, so a
  // throttled or failed SendTask* leaves the review pending (the caller retries) instead of "approved" with
  // its run stuck. The claim keeps two deciders from both delivering; a claim left by a crash goes stale.
  // The run shows running before the token goes, so a later review of the same run is not overwritten.
  await claimReview(deps, tenantId, id);
  const executionId = String(item.executionId);
  await transitionExecution(deps, tenantId, executionId, ['waiting_review'], 'running');
  try {
    await deliverDecision(deps, String(item.taskToken), input, output);
  } catch (error) {
    if (TOKEN_GONE.includes((error as Error).name)) {
      await closeReview(deps, tenantId, id, 'the run no longer waits for this review');
      throw new Conflict('the run is no longer waiting for this review');
    }
    // Undone so the review can be decided again; a claim left behind goes stale by itself.
    await transitionExecution(deps, tenantId, executionId, ['running'], 'waiting_review').catch(() => false);
    await releaseClaim(deps, tenantId, id).catch(() => {});
    throw new TryAgainLater(
      'the decision could not be delivered to the run yet; nothing was recorded, try again',
    );
  }
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.review(tenantId, id),
      UpdateExpression:
        'SET #status = :status, decision = :decision, GSI1PK = :gsi REMOVE taskToken, claimedAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':decision': toStored(output),
        ':gsi': keys.reviewsByStatus(tenantId, status),
      },
    }),
  );
  await recordStepAttempt(deps, tenantId, executionId, {
    stepId: String(item.stepId),
    type: 'review',
    status: input.decision === 'approve' ? 'succeeded' : 'failed',
    attempts: 1,
    startedAt: String(item.createdAt),
    finishedAt: decidedAt,
    latencyMs: new Date(decidedAt).getTime() - new Date(String(item.createdAt)).getTime(),
    outputPreview: JSON.stringify(output).slice(0, 500),
    ...(input.decision === 'reject'
      ? { error: { type: 'ReviewRejected', message: `rejected by ${reviewer}` } }
      : {}),
  });
  const { taskToken: _, ...review } = stripKeys<Review & { taskToken?: string }>(
    { ...item, status, decision: output },
    ORDER,
  );
  return review;
}

/** What SendTask* answers once a token is spent or its task over: the run no longer waits. */
const TOKEN_GONE = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];
/** A claim older than this was left by a decider that stopped; another may take it. */
const CLAIM_SECONDS = 30;

async function claimReview(deps: Deps, tenantId: string, id: string): Promise<void> {
  const now = deps.now();
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.config.TABLE_NAME,
        Key: keys.review(tenantId, id),
        UpdateExpression: 'SET claimedAt = :now',
        ConditionExpression: '#status = :pending AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':stale': new Date(now.getTime() - CLAIM_SECONDS * 1000).toISOString(),
          ':pending': 'pending',
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException')
      throw new Conflict('this review is being decided or was decided already');
    throw error;
  }
}

async function releaseClaim(deps: Deps, tenantId: string, id: string): Promise<void> {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.config.TABLE_NAME,
      Key: keys.review(tenantId, id),
      UpdateExpression: 'REMOVE claimedAt',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'pending' },
    }),
  );
}

async function deliverDecision(
  deps: Deps,
  taskToken: string,
  input: Decision,
  output: ReviewOutput,
): Promise<void> {
  const sfn = await sfnOf(deps);
  if (input.decision === 'approve') {
    await sfn.client.send(new sfn.SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ output }) }));
  } else {
    await sfn.client.send(
      new sfn.SendTaskFailureCommand({
        taskToken,
        error: 'ReviewRejected',
        cause: input.comment ?? `rejected by ${output.reviewer}`,
      }),
    );
  }
}

function applyEdits(data: unknown, edits: Record<string, unknown> | undefined): unknown {
  if (!edits) return data;
  if (data && typeof data === 'object' && !Array.isArray(data)) return { ...data, ...edits };
  return edits;
}
