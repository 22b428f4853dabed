// Triggers: the table's stream consumer (audit chaining and archive), and the upload queue (S3 → SQS → trigger
// Lambda comes with issue 5) with its dead-letter queue.
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bundledFunction } from './bundled-function';
import { auditBucketName } from './data-stack';
import { acknowledgeLambdaBaseline, grantTableAccess } from './grants';

export interface TriggersStackProps extends StackProps {
  table: Table;
  dataKey: IKey;
  prefix: string;
}

export class TriggersStack extends Stack {
  readonly uploads: Queue;
  readonly scheduleGroup: CfnScheduleGroup;
  readonly scheduleDeadLetters: Queue;
  readonly scheduleTarget: NodejsFunction;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: TriggersStackProps) {
    super(scope, id, props);
    const auditBucket = auditBucketName(this, props.prefix);
    const streamFailures = new Queue(this, 'TableStreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the on-failure destination of the table stream consumer (its dead-letter queue).',
    });
    const tableStream = bundledFunction(this, 'TableStream', {
      entry: 'functions/triggers/table-stream.ts',
      environment: { TABLE_NAME: props.table.tableName, AUDIT_BUCKET: auditBucket },
      timeout: Duration.seconds(60),
    });
    grantTableAccess(tableStream, props.table);
    tableStream.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [`arn:${this.partition}:s3:::${auditBucket}/tenants/*`],
      }),
    );
    tableStream.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [props.dataKey.keyArn],
      }),
    );
    Validations.of(tableStream).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.prefix}-audit-<AWS::AccountId>-<AWS::Region>/tenants/*]`,
      reason:
        'The archiver writes one new object per audit event under tenants/; object keys are not known in advance.',
    });
    tableStream.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        // One batch per shard at a time: the audit chain is appended in stream order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(streamFailures),
      }),
    );
    // The safety net for runs that end without reaching Finalize (uncatchable errors, timeouts, stops):
    // Standard workflows emit status changes to EventBridge; this settles the execution and refunds credits.
    const statusChanges = bundledFunction(this, 'ExecutionStatus', {
      entry: 'functions/triggers/execution-status.ts',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(statusChanges, props.table);
    new Rule(this, 'ExecutionStopped', {
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      targets: [new LambdaFunction(statusChanges, { deadLetterQueue: streamFailures, retryAttempts: 8 })],
    });
    // Schedules: one EventBridge Scheduler schedule per record, in this group, invoking the schedule Lambda
    // through this role, with a dead-letter queue for deliveries that keep failing.
    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: props.prefix });
    this.scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the EventBridge Scheduler schedules.',
    });
    this.scheduleTarget = bundledFunction(this, 'ScheduleTarget', {
      entry: 'functions/triggers/schedule.ts',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(this.scheduleTarget, props.table);
    this.scheduleTarget.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [`arn:${this.partition}:states:${this.region}:${this.account}:stateMachine:recipeflow-*`],
      }),
    );
    Validations.of(this.scheduleTarget).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:recipeflow-*]',
      reason:
        'Recipe state machines are created at run time and named recipeflow-<hash of their definition>.',
    });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.scheduleTarget.functionArn],
      }),
    );
    this.scheduleDeadLetters.grantSendMessages(this.schedulerRole);
    acknowledgeLambdaBaseline(this);
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
