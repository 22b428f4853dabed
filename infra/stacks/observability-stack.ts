// Observability: alarms an operator acts on, sent to one topic (subscribe with `-c alarmEmail=ops@…`), and a
// dashboard. Runs are measured by the EMF metrics the functions publish (namespace Recipeflow), since recipe
// state machines are created at run time and have no per-machine metric CDK could name; the API, the
// functions and the table by their AWS metrics; the queues and stream consumers other stacks mark (watched.ts)
// by theirs.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RUN_METRICS } from '../../shared/executions/settle-execution';
import { BundledFunction } from './bundled-function';
import { consumerWatchOf, queueWatchOf } from './watched';

export interface ObservabilityStackProps extends StackProps {
  api: HttpApi;
  table: Table;
  /** The stacks whose functions are watched (errors and throttles). */
  watched: Stack[];
}

const NAMESPACE = 'Recipeflow';
const runMetric = (name: string, statistic = 'Sum') =>
  new Metric({
    namespace: NAMESPACE,
    metricName: name,
    dimensionsMap: { service: 'recipeflow' },
    statistic,
    period: Duration.minutes(5),
  });

export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    // CloudWatch may publish to an encrypted topic only with a customer managed key it is allowed to use.
    const key = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'recipeflow alarm topic',
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    const email = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (email) this.alarmTopic.addSubscription(new EmailSubscription(email));
    const alarm = (name: string, description: string, metric: IMetric, threshold: number, periods = 1) => {
      new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(this.alarmTopic));
    };

    alarm(
      'RunsTimedOut',
      'A run timed out (Step Functions ended it): look at its recipe’s timeouts.',
      runMetric(RUN_METRICS.timed_out),
      1,
    );
    alarm('RunsFailing', 'Ten or more runs failed within five minutes.', runMetric(RUN_METRICS.failed), 10);
    alarm('Api5xx', 'The API answered 5xx.', props.api.metricServerError({ period: Duration.minutes(5) }), 1);
    alarm(
      'ApiLatencyP99',
      'API p99 latency above 3 s for 15 minutes.',
      props.api.metricLatency({ statistic: 'p99', period: Duration.minutes(5) }),
      3000,
      3,
    );
    const throttled = props.table.metricThrottledRequestsForOperations({
      operations: [
        Operation.GET_ITEM,
        Operation.PUT_ITEM,
        Operation.UPDATE_ITEM,
        Operation.DELETE_ITEM,
        Operation.QUERY,
        Operation.TRANSACT_WRITE_ITEMS,
      ],
      period: Duration.minutes(5),
    });
    alarm('TableThrottles', 'DynamoDB throttled requests to the table.', throttled, 1);

    // An alarm's name from what it watches: its stack and id, alphanumeric.
    const nameOf = (watched: Construct) =>
      `${Stack.of(watched).stackName}-${watched.node.id}`.replace(/[^A-Za-z0-9]/g, '');
    // Queues: a dead-letter queue as soon as one message is in it; a backlog whose oldest message is too old.
    const queues = props.watched.flatMap((stack) =>
      stack.node.findAll().filter((c): c is Queue => c instanceof Queue),
    );
    for (const queue of queues) {
      const watch = queueWatchOf(queue);
      if (!watch) continue;
      const name = nameOf(queue);
      if (watch.kind === 'dead-letter')
        alarm(
          `${name}Messages`,
          `Messages in ${watch.role}: something failed every retry and waits for an operator.`,
          queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
          1,
        );
      else
        alarm(
          `${name}Backlog`,
          watch.description,
          queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
          watch.oldestSeconds,
        );
    }

    const functions = props.watched.flatMap((stack) =>
      stack.node.findAll().filter((c): c is BundledFunction => c instanceof BundledFunction),
    );
    for (const fn of functions) {
      const name = nameOf(fn);
      const consumer = consumerWatchOf(fn);
      if (consumer)
        alarm(
          `${name}Behind`,
          consumer.description,
          fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
          consumer.behindSeconds * 1000,
          2,
        );
      alarm(
        `${name}Errors`,
        `${fn.node.path}: invocations failed.`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        1,
      );
      alarm(
        `${name}Throttles`,
        `${fn.node.path}: invocations throttled.`,
        fn.metricThrottles({ period: Duration.minutes(5) }),
        1,
      );
    }

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.api.httpApiName ?? 'recipeflow'}-operations`,
    });
    const byStepType = (metricName: string, statistic: string) =>
      new MathExpression({
        expression: `SEARCH('{${NAMESPACE},service,stepType} MetricName="${metricName}"', '${statistic}', 300)`,
        label: '',
        period: Duration.minutes(5),
      });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Runs',
        left: [runMetric('RunsStarted'), ...Object.values(RUN_METRICS).map((name) => runMetric(name))],
        width: 12,
      }),
      new GraphWidget({
        title: 'Credits charged and LLM tokens',
        left: [runMetric('CreditsCharged')],
        right: [runMetric('LlmTokens')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Step latency p99 by step type (ms)',
        left: [byStepType('StepLatency', 'p99')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Step failures by step type',
        left: [byStepType('StepFailures', 'Sum')],
        width: 12,
      }),
      new GraphWidget({
        title: 'API',
        left: [
          props.api.metricCount({ period: Duration.minutes(5) }),
          props.api.metricServerError({ period: Duration.minutes(5) }),
        ],
        right: [props.api.metricLatency({ statistic: 'p99', period: Duration.minutes(5) })],
        width: 12,
      }),
      new GraphWidget({ title: 'DynamoDB throttled requests', left: [throttled], width: 12 }),
    );
  }
}
