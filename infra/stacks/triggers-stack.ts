// Triggers: the table's stream consumer (audit chaining and archive), the status-change safety net, schedules
// (EventBridge Scheduler) and uploads (S3 → SQS → Lambda). Every queue has a dead-letter queue with an alarm.
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as SqsInvokeFailures } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, type ILogGroup, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Bucket, EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AUDIT_BATCHING_WINDOW_SECONDS } from '../../shared/audit/archive';
import { ACCOUNT_SORT_KEY } from '../../shared/data/keys';

/** The admitter's filter criteria: changes to account items whose `queued` count is not 0. */
const admissionFilter = {
  dynamodb: {
    Keys: { SK: { S: FilterRule.isEqual(ACCOUNT_SORT_KEY) } },
    NewImage: { queued: { N: FilterRule.notEquals('0') } },
  },
};

import { type BundledFunction, bundledFunction } from './bundled-function';
import { artifactBucket, auditBucketName } from './data-stack';
import { acknowledgeLambdaBaseline, grantTableAccess, grantTenantObjects } from './grants';
import { watchQueue, watchStreamConsumer } from './watched';

export interface TriggersStackProps extends StackProps {
  table: Table;
  dataKey: IKey;
  prefix: string;
  /** The recipe state machines' execution log (errors only). */
  executionLogs: ILogGroup;
  /** The audit consumer's batching window (0–300 s); AUDIT_BATCHING_WINDOW_SECONDS unless told. */
  auditBatchingWindowSeconds?: number;
}

/** A dead-letter queue; the observability stack alarms as soon as anything lands in it. */
function deadLetterQueue(scope: Stack, id: string, role: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself ${role}.` });
  watchQueue(queue, { kind: 'dead-letter', role });
  return queue;
}

/** Starting recipe runs: the state machines are created at run time, named recipeflow-<definition hash>. */
function grantStartExecution(fn: BundledFunction): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['states:StartExecution'],
      resources: [`arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:recipeflow-*`],
    }),
  );
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:recipeflow-*]',
    reason: 'Recipe state machines are created at run time and named recipeflow-<hash of their definition>.',
  });
}

export class TriggersStack extends Stack {
  readonly uploads: Queue;
  readonly scheduleGroup: CfnScheduleGroup;
  readonly scheduleDeadLetters: Queue;
  readonly scheduleTarget: BundledFunction;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: TriggersStackProps) {
    super(scope, id, props);
    const auditBucket = auditBucketName(this, props.prefix);
    const streamFailures = deadLetterQueue(
      this,
      'TableStreamFailures',
      "the on-failure destination of the table stream's consumers and the status-change rule",
    );
    const auditWindow = props.auditBatchingWindowSeconds ?? AUDIT_BATCHING_WINDOW_SECONDS;
    if (!Number.isInteger(auditWindow) || auditWindow < 0 || auditWindow > 300)
      throw new Error(
        `auditBatchingWindowSeconds must be a whole number of seconds from 0 to 300 (it is ${auditWindow})`,
      );
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
        'The archiver writes one new object per tenant per stream batch under tenants/; object keys are not known in advance.',
    });
    tableStream.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        // One batch per shard at a time: the audit chain is appended in stream order.
        parallelizationFactor: 1,
        // Records gathered for a while make one batch: one archive object per tenant per window, not per run.
        maxBatchingWindow: Duration.seconds(auditWindow),
        onFailure: new SqsDlq(streamFailures),
      }),
    );
    watchStreamConsumer(tableStream, {
      description:
        'The audit consumer is more than 5 minutes behind the table stream: audit events are late.',
      behindSeconds: 300,
    });
    // The stream's second consumer (a DynamoDB stream serves two at once): the admitter, invoked only for
    // account items with runs waiting, so a slot that frees is filled without waiting behind audit work.
    const admission = bundledFunction(this, 'Admission', {
      entry: 'functions/triggers/admission.ts',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(60),
    });
    grantTableAccess(admission, props.table);
    grantStartExecution(admission);
    admission.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        // Records of one tenant's account stay in order; tenants are admitted side by side.
        parallelizationFactor: 4,
        // Account items with runs waiting (`queued` present and not 0): nothing else invokes it.
        filters: [FilterCriteria.filter(admissionFilter)],
        onFailure: new SqsDlq(streamFailures),
      }),
    );
    watchStreamConsumer(admission, {
      description:
        'The admitter is more than a minute behind the table stream: queued runs wait for free slots.',
      behindSeconds: 60,
    });
    // The safety net for runs that end without reaching Finalize (uncatchable errors, timeouts, stops):
    // Standard workflows emit status changes to EventBridge; this settles the execution and refunds credits.
    const statusChanges = bundledFunction(this, 'ExecutionStatus', {
      entry: 'functions/triggers/execution-status.ts',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(statusChanges, props.table);
    grantStartExecution(statusChanges); // the sweep admits queued runs the stream could not
    new Rule(this, 'ExecutionStopped', {
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      targets: [new LambdaFunction(statusChanges, { deadLetterQueue: streamFailures, retryAttempts: 8 })],
    });
    // The sweep: every 10 minutes, unfinished runs older than 10 minutes are checked against the engine
    // (DescribeExecution; Express runs by their five-minute limit) and settled if it has ended or never had them.
    new Rule(this, 'SweepUnfinishedRuns', {
      schedule: Schedule.rate(Duration.minutes(10)),
      targets: [
        new LambdaFunction(statusChanges, {
          event: RuleTargetInput.fromObject({ sweep: { marginSeconds: 600 } }),
          deadLetterQueue: streamFailures,
          retryAttempts: 2,
        }),
      ],
    });
    statusChanges.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [`arn:${this.partition}:states:${this.region}:${this.account}:execution:recipeflow-*:*`],
      }),
    );
    Validations.of(statusChanges).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:recipeflow-*:*]',
      reason:
        'The sweep describes runs of the recipe state machines, which are created at run time (recipeflow-<hash>).',
    });
    // Express workflows send no status-change events: their logged ExecutionFailed/TimedOut/Aborted lines
    // reach the same handler through a subscription (Lambda retries async deliveries; the DLQ keeps the rest).
    statusChanges.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsInvokeFailures(streamFailures),
    });
    new SubscriptionFilter(this, 'RunsEndedWithoutFinalize', {
      logGroup: props.executionLogs,
      destination: new LambdaDestination(statusChanges),
      filterPattern: FilterPattern.any(
        ...['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted'].map((type) =>
          FilterPattern.stringValue('$.type', '=', type),
        ),
      ),
    });
    // Schedules: one EventBridge Scheduler schedule per record, in this group, invoking the schedule Lambda
    // through this role, with a dead-letter queue for deliveries that keep failing.
    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: props.prefix });
    this.scheduleDeadLetters = deadLetterQueue(
      this,
      'ScheduleDeadLetters',
      'the dead-letter queue of the EventBridge Scheduler schedules',
    );
    this.scheduleTarget = bundledFunction(this, 'ScheduleTarget', {
      entry: 'functions/triggers/schedule.ts',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(this.scheduleTarget, props.table);
    grantStartExecution(this.scheduleTarget);
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
    // Uploads: the artifact bucket's object-created notifications → this queue → the upload trigger, which
    // reports failed messages only; a message failing maxReceiveCount times moves to the dead-letter queue.
    const uploadDeadLetters = deadLetterQueue(this, 'UploadsDeadLetters', 'the dead-letter queue of uploads');
    this.uploads = new Queue(this, 'Uploads', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the consumer's timeout, as AWS recommends for event source mappings.
      visibilityTimeout: Duration.seconds(180),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: uploadDeadLetters, maxReceiveCount: 5 },
    });
    watchQueue(this.uploads, {
      kind: 'backlog',
      description: 'Uploads have waited more than 15 minutes to start their runs.',
      oldestSeconds: 900,
    });
    const artifacts = artifactBucket(this, props.prefix);
    const uploadTrigger = bundledFunction(this, 'UploadTrigger', {
      entry: 'functions/triggers/upload.ts',
      environment: { TABLE_NAME: props.table.tableName, ARTIFACT_BUCKET: artifacts.name },
      timeout: Duration.seconds(30),
    });
    grantTableAccess(uploadTrigger, props.table);
    grantStartExecution(uploadTrigger);
    // HeadObject (is the upload complete, and of the declared size) and reading the rows need s3:GetObject;
    // rows above the inline limit are stored for the run by reference (s3:PutObject), and an object of another
    // size than declared is deleted (s3:DeleteObject), as the artifacts API does.
    grantTenantObjects(uploadTrigger, artifacts, props.dataKey, 'readwrite');
    uploadTrigger.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [`arn:${this.partition}:s3:::${artifacts.name}/tenants/*`],
      }),
    );
    uploadTrigger.addEventSource(
      new SqsEventSource(this.uploads, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    // The bucket lives in the data stack; it is imported here so the notification (a custom resource that
    // merges with any other configuration) belongs to this stack and no dependency cycle forms.
    Bucket.fromBucketName(this, 'ArtifactsBucket', artifacts.name).addEventNotification(
      EventType.OBJECT_CREATED,
      new SqsDestination(this.uploads),
      { prefix: 'tenants/' },
    );
  }
}
