// How messages leave: one port, an adapter per transport. Cloud: SES (email) and SNS (SMS). Local: the outbox
// only (the message is recorded, nothing is delivered), or SMTP through nodemailer when SMTP_URL is set.
// nodemailer (238 KB) is required on first use: only the SMTP transport loads it (infra/stacks/bundling.ts).
// The SES and SNS clients are imported by the first message of their channel: a deployment that sends only email
// never loads SNS's, and a function's cold start loads neither (each is a chunk of its own when deployed).
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { setting } from '../config';
import { recordCalls } from '../observability/call-recorder';
import { requireOnDemand } from '../on-demand';

export interface OutgoingEmail {
  to: string;
  subject: string;
  body: string;
}

export interface Transports {
  email(message: OutgoingEmail): Promise<{ transport: string; providerMessageId?: string }>;
  sms(message: { to: string; body: string }): Promise<{ transport: string; providerMessageId?: string }>;
}

export function createTransports(config: Config): Transports {
  let ses: SESv2Client | undefined;
  let sns: SNSClient | undefined;
  let smtp: Transporter | undefined;
  return {
    async email(message) {
      if (config.EMAIL_TRANSPORT === 'ses') {
        const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
        ses ??= recordCalls(new SESv2Client({ region: config.AWS_REGION }));
        const sent = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: setting(config, 'EMAIL_FROM'),
            Destination: { ToAddresses: [message.to] },
            Content: {
              Simple: { Subject: { Data: message.subject }, Body: { Text: { Data: message.body } } },
            },
          }),
        );
        return { transport: 'ses', providerMessageId: sent.MessageId };
      }
      if (config.EMAIL_TRANSPORT === 'smtp' && config.SMTP_URL) {
        smtp ??= requireOnDemand<typeof import('nodemailer')>('nodemailer').createTransport(config.SMTP_URL);
        const sent = await smtp.sendMail({
          from: setting(config, 'EMAIL_FROM'),
          to: message.to,
          subject: message.subject,
          text: message.body,
        });
        return { transport: 'smtp', providerMessageId: sent.messageId };
      }
      return { transport: 'outbox' };
    },
    async sms(message) {
      if (config.SMS_TRANSPORT === 'sns') {
        const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
        sns ??= recordCalls(new SNSClient({ region: config.AWS_REGION }));
        const sent = await sns.send(new PublishCommand({ PhoneNumber: message.to, Message: message.body }));
        return { transport: 'sns', providerMessageId: sent.MessageId };
      }
      return { transport: 'outbox' };
    },
  };
}
