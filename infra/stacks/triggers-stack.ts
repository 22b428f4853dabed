// Triggers: the upload queue (S3 → SQS → trigger Lambda comes with issue 5) and its dead-letter queue.
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export class TriggersStack extends Stack {
  readonly uploads: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const deadLetters = new Queue(this, 'UploadsDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the uploads queue.',
    });
    this.uploads = new Queue(this, 'Uploads', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
  }
}
