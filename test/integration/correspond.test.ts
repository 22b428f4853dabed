import { createHmac } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../infra/local/http-server';
import { loadConfig } from '../../shared/config';
import type { RunState } from '../../shared/executions/execution-model';
import { listMessages } from '../../shared/messages/messages';
import { createTransports } from '../../shared/messages/transports';
import { correspondStepSchema } from '../../shared/recipes/recipe-schema';
import { runCorrespond } from '../../shared/steps/correspond/run';
import { type LocalStack, startFakeServer, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

function state(executionId: string, allowList: string[] = []): RunState {
  return {
    input: { name: 'Ada' },
    steps: {},
    settings: {},
    execution: { id: executionId, startedAt: new Date().toISOString() },
    run: {
      tenantId: 'ten_mail',
      recipeId: 'rcp_x',
      version: 1,
      httpAllowList: allowList,
      ai: {},
      credits: { reserved: 0, run: 0, steps: {} },
    },
  };
}

const email = correspondStepSchema.parse({
  id: 'send',
  type: 'correspond',
  channel: 'email',
  to: 'ada@example.com',
  subject: 'Hello {{input.name}}',
  body: 'Dear {{input.name}}',
});

describe('correspond', () => {
  it('delivers email over SMTP when configured, records it, and never sends the same step twice', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => {
          data += chunk.toString();
        });
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    const port = await listen(smtp.server, 0);
    try {
      const transports = createTransports(
        loadConfig({
          RECIPEFLOW_RUNTIME: 'local',
          EMAIL_TRANSPORT: 'smtp',
          SMTP_URL: `smtp://127.0.0.1:${port}`,
        }),
      );
      const context = { deps: stack.deps, transports, state: state('exe_mail_1'), stepRecordId: 'send' };
      const scope = { input: { name: 'Ada' } };
      const first = await runCorrespond(email, scope, context);
      const again = await runCorrespond(email, scope, context);
      expect(first).toMatchObject({ status: 'sent', transport: 'smtp' });
      expect(again.messageId).toBe(first.messageId);
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('Subject: Hello Ada');
      const messages = await listMessages(stack.deps, 'ten_mail', { executionId: 'exe_mail_1' });
      expect(messages.items).toEqual([
        expect.objectContaining({
          id: first.messageId,
          status: 'sent',
          to: 'ada@example.com',
          body: 'Dear Ada',
        }),
      ]);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('uses SES and SNS in the cloud (no emulator: aws-sdk-client-mock)', async () => {
    const ses = mockClient(SESv2Client).on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sns = mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const transports = createTransports(
      loadConfig({
        RECIPEFLOW_RUNTIME: 'local',
        EMAIL_TRANSPORT: 'ses',
        SMS_TRANSPORT: 'sns',
        EMAIL_FROM: 'team@example.com',
      }),
    );
    expect(await transports.email({ to: 'a@example.com', subject: 's', body: 'b' })).toEqual({
      transport: 'ses',
      providerMessageId: 'ses-1',
    });
    expect(await transports.sms({ to: '+15551234567', body: 'hi' })).toEqual({
      transport: 'sns',
      providerMessageId: 'sns-1',
    });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toMatchObject({
      FromEmailAddress: 'team@example.com',
      Destination: { ToAddresses: ['a@example.com'] },
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+15551234567',
      Message: 'hi',
    });
    ses.restore();
    sns.restore();
  });

  it('signs webhooks with an HMAC header the receiver can verify, through the address policy', async () => {
    const secret = 'whsec_0123456789abcdef';
    const seen: Array<{ signature: string; body: string }> = [];
    const receiver = await startFakeServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen.push({ signature: String(req.headers['x-recipeflow-signature']), body });
      res.end('ok');
    });
    try {
      const hook = correspondStepSchema.parse({
        id: 'notify',
        type: 'correspond',
        channel: 'webhook',
        url: `${receiver.url}/hooks`,
        credential: 'hook',
        body: { lead: '{{input.name}}' },
      });
      const transports = createTransports(loadConfig({ RECIPEFLOW_RUNTIME: 'local' }));
      const refused = await runCorrespond(
        hook,
        { input: { name: 'Ada' } },
        {
          deps: stack.deps,
          transports,
          state: state('exe_hook_0'),
          stepRecordId: 'notify',
          webhookSecret: secret,
        },
      ).catch((e: Error) => e);
      expect((refused as Error).message).toContain('httpAllowList');
      const sent = await runCorrespond(
        hook,
        { input: { name: 'Ada' } },
        {
          deps: stack.deps,
          transports,
          state: state('exe_hook_1', [receiver.url]),
          stepRecordId: 'notify',
          webhookSecret: secret,
        },
      );
      expect(sent).toMatchObject({ status: 'sent', transport: 'webhook' });
      const { signature, body } = seen[0]!;
      expect(body).toBe('{"lead":"Ada"}');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(signature)!;
      expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    } finally {
      await receiver.close();
    }
  });

  it('refuses a recipient that is not an address of its channel', async () => {
    const bad = correspondStepSchema.parse({
      id: 's',
      type: 'correspond',
      channel: 'sms',
      to: '555-1234',
      body: 'hi',
    });
    await expect(
      runCorrespond(
        bad,
        {},
        {
          deps: stack.deps,
          transports: createTransports(loadConfig({ RECIPEFLOW_RUNTIME: 'local' })),
          state: state('exe_sms'),
          stepRecordId: 's',
        },
      ),
    ).rejects.toThrow('E.164');
  });
});
