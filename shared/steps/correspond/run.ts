// The `correspond` component: email, SMS or a signed webhook. Every message is claimed in the outbox before it
// is sent and marked sent or failed after, so a retried step never sends the same message twice once sent.
import { createHmac } from 'node:crypto';
import { StepRejected } from '../../components/step-errors';
import type { Deps } from '../../deps';
import type { RunState } from '../../executions/execution-model';
import { claimMessage, completeMessage, messageId } from '../../messages/messages';
import type { Transports } from '../../messages/transports';
import type { Step } from '../../recipes/recipe-schema';
import { resolveTemplates } from '../../recipes/template';
import { sendHttpRequest } from '../http/run';

type CorrespondStep = Extract<Step, { type: 'correspond' }>;

export interface CorrespondOutput {
  messageId: string;
  status: 'sent';
  transport: string;
}

export interface CorrespondContext {
  deps: Deps;
  transports: Transports;
  state: RunState;
  stepRecordId: string;
  /** The webhook_secret credential's value, opened by the handler. */
  webhookSecret?: string;
}

export async function runCorrespond(
  step: CorrespondStep,
  scope: Record<string, unknown>,
  context: CorrespondContext,
): Promise<CorrespondOutput> {
  const { deps, state } = context;
  const resolved = resolveTemplates(
    { to: step.to, subject: step.subject, body: step.body, url: step.url },
    scope,
  ) as Record<string, unknown>;
  const body = typeof resolved.body === 'string' ? resolved.body : JSON.stringify(resolved.body ?? null);
  const to = String(step.channel === 'webhook' ? resolved.url : (resolved.to ?? ''));
  checkRecipient(step.channel, to);
  const id = messageId(state.execution.id, context.stepRecordId);
  const tenantId = state.run.tenantId;
  const claim = await claimMessage(deps, tenantId, {
    id,
    executionId: state.execution.id,
    stepId: context.stepRecordId,
    channel: step.channel,
    to,
    ...(step.channel === 'email' ? { subject: String(resolved.subject ?? '') } : {}),
    body,
  });
  if (!claim.claimed && claim.message.status === 'sent') {
    return { messageId: id, status: 'sent', transport: claim.message.transport ?? 'unknown' };
  }
  try {
    const sent = await deliver(
      step.channel,
      { to, subject: String(resolved.subject ?? ''), body, id },
      context,
      state,
    );
    await completeMessage(deps, tenantId, id, { status: 'sent', ...sent });
    return { messageId: id, status: 'sent', transport: sent.transport };
  } catch (error) {
    await completeMessage(deps, tenantId, id, {
      status: 'failed',
      error: (error as Error).message.slice(0, 500),
    });
    throw error;
  }
}

async function deliver(
  channel: CorrespondStep['channel'],
  message: { to: string; subject: string; body: string; id: string },
  context: CorrespondContext,
  state: RunState,
): Promise<{ transport: string; providerMessageId?: string }> {
  if (channel === 'email') return context.transports.email(message);
  if (channel === 'sms') return context.transports.sms(message);
  if (!context.webhookSecret)
    throw new StepRejected('a webhook needs a webhook_secret credential to sign it');
  // Stripe-style signature: the receiver recomputes HMAC-SHA256(secret, "<t>.<body>") and checks the time.
  const timestamp = Math.floor(context.deps.now().getTime() / 1000);
  const signature = createHmac('sha256', context.webhookSecret)
    .update(`${timestamp}.${message.body}`)
    .digest('hex');
  const response = await sendHttpRequest(
    {
      method: 'POST',
      url: new URL(message.to),
      headers: new Headers({
        'content-type': 'application/json',
        'x-recipeflow-signature': `t=${timestamp},v1=${signature}`,
        'x-recipeflow-message-id': message.id,
      }),
      body: message.body,
      timeoutSeconds: 15,
    },
    state.run.httpAllowList,
  );
  return { transport: 'webhook', providerMessageId: String(response.status) };
}

function checkRecipient(channel: CorrespondStep['channel'], to: string): void {
  const valid =
    channel === 'email'
      ? /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)
      : channel === 'sms'
        ? /^\+[1-9]\d{6,14}$/.test(to)
        : URL.canParse(to);
  if (!valid) {
    const expected = {
      email: 'an email address',
      sms: 'a phone number in E.164 form (+15551234567)',
      webhook: 'an absolute URL',
    };
    throw new StepRejected(`"${to.slice(0, 100)}" is not ${expected[channel]}`);
  }
}
