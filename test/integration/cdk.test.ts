// Synthesises the CDK app in-process (esbuild bundling, cdk-nag AwsSolutions, CloudFormation schema rules).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { buildRecipeflow } from '../../infra/recipeflow-app';
import { apiRoutes, componentFunctions } from '../../shared/api/routes';
import { AUDIT_BATCHING_WINDOW_SECONDS } from '../../shared/audit/archive';
import { functionSettings as platformSettings } from '../../shared/function-settings';
import { stepFunctionSettings } from '../../shared/steps/registry';
import { removeSynthesis, synthesizeApp } from '../support/synth';

const functionSettings: Record<string, readonly string[]> = { ...platformSettings, ...stepFunctionSettings };

let outdir: string;
let stacks: ReturnType<typeof buildRecipeflow>;
let report: unknown;

beforeAll(() => {
  ({ outdir, stacks } = synthesizeApp());
  report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
}, 180_000);
afterAll(() => removeSynthesis(outdir));

describe('cdk synth', () => {
  it('passes cdk-nag AwsSolutions and the CloudFormation rules with no unacknowledged finding', () => {
    const reports = (
      report as { pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[] }> }
    ).pluginReports;
    for (const plugin of reports) {
      expect(plugin.violations, plugin.pluginName).toEqual([]);
      expect(plugin.conclusion, plugin.pluginName).toBe('success');
    }
  });

  it('fails synthesis on an unacknowledged cdk-nag finding (the check is live)', () => {
    const nagOutdir = mkdtempSync(path.join(tmpdir(), 'recipeflow-nag-'));
    const app = new App({ outdir: nagOutdir });
    const stack = new Stack(app, 'Bad');
    new Queue(stack, 'NoDeadLetters');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      expect(() => app.synth()).toThrow();
    } finally {
      rmSync(nagOutdir, { recursive: true, force: true });
    }
  });

  it('declares the shared table with stream, PITR and its GSIs (executions by recipe: keys only; reservations: two attributes)', () => {
    Template.fromStack(stacks.data).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'GSI1', Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({ IndexName: 'GSI2', Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({ IndexName: 'GSI3', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        Match.objectLike({
          IndexName: 'GSI4',
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['creditsReserved', 'createdAt'] },
        }),
      ],
    });
    Template.fromStack(stacks.data).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('bundles component functions on Node 24 and deploys no state machine that no recipe record points at', () => {
    const workflows = Template.fromStack(stacks.workflows);
    workflows.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs24.x' },
      componentFunctions.length,
    );
    // Templates are installed through CreateStateMachine like any recipe (and share one machine per definition).
    workflows.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  it('stages each function with its own build: its entry point, split into chunks, with what it requires', () => {
    const staged = Object.values(stacks).flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
        .filter((fn) => fn.Metadata?.['recipeflow:entry'])
        .map((fn) => ({
          entry: fn.Metadata['recipeflow:entry'] as string,
          // Staged as asset.<hash>, uploaded as <hash>.zip.
          dir: path.join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`),
        })),
    );
    expect(new Set(staged.map((fn) => fn.dir)).size).toBe(staged.length);
    const files = (dir: string) => readdirSync(dir, { recursive: true }).map(String);
    for (const { entry, dir } of staged) {
      const listing = files(dir);
      expect(listing, entry).toContain('index.mjs');
      // An API function's code holds the routes it serves.
      if (entry.startsWith('api/') && entry !== 'api/openapi') {
        const route = apiRoutes.find((r) => r.handler === entry.slice(4))!.path;
        const code = listing
          .filter((f) => f.endsWith('.mjs'))
          .map((f) => readFileSync(path.join(dir, f), 'utf8'))
          .join('\n');
        expect(code, entry).toContain(`"${route}"`);
      }
    }
    // The S3 SDK is a chunk of its own; an on-demand package ships only where the code requires it.
    const executions = staged.find((fn) => fn.entry === 'api/executions')!.dir;
    expect(files(executions).some((f) => f.startsWith('chunks/') && f.includes('s3-sdk'))).toBe(true);
    expect(files(staged.find((fn) => fn.entry === 'authorizer/authorizer')!.dir)).not.toContain(
      'node_modules',
    );
  });

  it('bootstraps the platform: a generated secret, a custom resource running bootstrapPlatform, an output naming it', () => {
    const bootstrap = Template.fromStack(stacks.bootstrap);
    bootstrap.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true, PasswordLength: 48 }),
    });
    expect(JSON.stringify(bootstrap.toJSON())).not.toContain('"SecretString"');
    bootstrap.resourceCountIs('AWS::CloudFormation::CustomResource', 1);
    bootstrap.hasOutput('PlatformAdminKeySecretArn', {
      Value: { Ref: Match.stringLikeRegexp('PlatformAdminKey') },
    });
    const custom = Object.values(bootstrap.findResources('AWS::CloudFormation::CustomResource'))[0]!;
    expect(Object.keys(custom.Properties)).toEqual(['ServiceToken', 'secret']);
  });

  it('gives every function the settings its entry point checks at cold start, and says it runs in the cloud', () => {
    const checked = new Set<string>();
    for (const stack of Object.values(stacks)) {
      for (const fn of Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
        const entry = fn.Metadata?.['recipeflow:entry'] as string | undefined;
        if (!entry) continue; // the custom resource provider framework's own function
        const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
        expect(variables, entry).toEqual(
          expect.arrayContaining([
            'RECIPEFLOW_RUNTIME',
            'TABLE_NAME',
            ...(functionSettings[entry] ?? ['undeclared']),
          ]),
        );
        expect(fn.Properties.Environment.Variables.RECIPEFLOW_RUNTIME).toBe('cloud');
        checked.add(entry);
      }
    }
    // every entry point that declares its settings is deployed, and every deployed one declares them
    expect([...checked].sort()).toEqual(Object.keys(functionSettings).sort());
  });

  it('is operable: a dashboard, alarms on runs, the API, every function and the table, tracing everywhere', () => {
    const observability = Template.fromStack(stacks.observability);
    observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const alarms = Object.values(observability.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    const named = (metricName: string) => alarms.filter((a) => a.MetricName === metricName);
    expect(named('RunsFailed')).toHaveLength(1);
    expect(named('RunsTimedOut')).toHaveLength(1);
    expect(named('5xx')).toHaveLength(1);
    expect(alarms.some((a) => a.MetricName === 'Latency' && a.ExtendedStatistic === 'p99')).toBe(true);
    const functions = Object.values(stacks)
      .flatMap((stack) => Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')))
      .filter((fn) => fn.Metadata?.['recipeflow:entry']);
    expect(named('Errors')).toHaveLength(functions.length);
    expect(named('Throttles')).toHaveLength(functions.length);
    expect(alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('ThrottledRequests'))).toBe(true);
    // The table stream's two consumers, when they fall behind it (the audit chain; the admitter).
    expect(
      named('IteratorAge')
        .map((a) => a.Threshold)
        .sort((a, b) => a - b),
    ).toEqual([60_000, 300_000]);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
    // X-Ray on every function (state machines are created with tracing by the API)
    for (const fn of functions) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('routes every API path to a Lambda and lets the API pass only the state machine role and the scheduler role', () => {
    const api = Template.fromStack(stacks.api);
    api.resourceCountIs('AWS::ApiGatewayV2::Route', apiRoutes.length);
    api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/recipes/{id}/executions' });
    const passRole = Object.values(api.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>).filter(
        (s) => s.Action === 'iam:PassRole',
      ),
    );
    expect(passRole.length).toBeGreaterThan(0); // recipes (create) and executions (redrive)
    for (const statement of passRole)
      expect(JSON.stringify(statement.Resource)).toMatch(/StateMachineRole|SchedulerRole/);
  });

  it('puts the Lambda authorizer in front of every route but the health probes and the OpenAPI document', () => {
    const api = Template.fromStack(stacks.api);
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    for (const route of routes) {
      const isProbe = /\/v1\/(health|ready|openapi\.json)$/.test(route.RouteKey);
      expect(route.AuthorizationType ?? 'NONE', route.RouteKey).toBe(isProbe ? 'NONE' : 'CUSTOM');
    }
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 30,
    });
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
  });

  it('denies every role updating or deleting audit events', () => {
    for (const stack of [stacks.api, stacks.workflows, stacks.triggers]) {
      const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) {
        const denies = (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).filter(
          (s) => s.Effect === 'Deny',
        );
        if (JSON.stringify(policy.Properties.PolicyDocument).includes('dynamodb:PutItem')) {
          expect(denies[0]).toMatchObject({
            Action: expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
            Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT'] } },
          });
        }
      }
    }
  });

  it('archives audit events to an Object Lock bucket from the table stream, batched over a window', () => {
    Template.fromStack(stacks.data).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
      },
    });
    Template.fromStack(stacks.triggers).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      // One archive object per tenant per window, the window the local runtime emulates by default.
      MaximumBatchingWindowInSeconds: AUDIT_BATCHING_WINDOW_SECONDS,
      ParallelizationFactor: 1,
    });
    // The admitter waits for no window: a freed slot is filled at once.
    const mappings = Template.fromStack(stacks.triggers).findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FilterCriteria: Match.anyValue() },
    });
    expect(Object.keys(mappings)).toHaveLength(1);
    for (const mapping of Object.values(mappings))
      expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  it('admits queued runs from a second stream consumer invoked only for accounts with runs waiting', () => {
    Template.fromStack(stacks.triggers).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              dynamodb: {
                Keys: { SK: { S: ['ACCOUNT'] } },
                NewImage: { queued: { N: [{ 'anything-but': ['0'] }] } },
              },
            }),
          },
        ],
      },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("lets the state machine role run a map over an artifact: the tenant's objects, its own child executions", () => {
    const workflows = Template.fromStack(stacks.workflows);
    const statements = Object.values(workflows.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes('StateMachineRole'))
      .flatMap(
        (policy) =>
          policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
      );
    const resourcesOf = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .map((s) => JSON.stringify(s.Resource))
        .join(' ');
    // ItemReader and ResultWriter, only under tenants/.
    expect(resourcesOf('s3:GetObject')).toMatch(/\/tenants\/\*/);
    expect(resourcesOf('s3:PutObject')).toMatch(/\/tenants\/\*/);
    expect(resourcesOf('s3:GetObject')).not.toMatch(/"\*"/);
    expect(resourcesOf('states:StartExecution')).toMatch(/stateMachine:recipeflow-\*/);
    expect(resourcesOf('states:StopExecution')).toMatch(/execution:recipeflow-\*\/\*/);
    expect(resourcesOf('states:DescribeExecution')).toMatch(/execution:recipeflow-\*\/\*/);
  });

  it('gives schedules a Scheduler group, a role that may only invoke their target, and a dead-letter queue', () => {
    const triggers = Template.fromStack(stacks.triggers);
    triggers.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'recipeflow' });
    triggers.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      }),
    });
    Template.fromStack(stacks.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SCHEDULE_GROUP: Match.anyValue(), SCHEDULE_DLQ_ARN: Match.anyValue() }),
      },
    });
  });

  it('sends created artifact objects to the uploads queue, consumed with partial batch failures', () => {
    const triggers = Template.fromStack(stacks.triggers);
    triggers.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    triggers.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'tenants/' }] } },
          }),
        ],
      },
    });
    triggers.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('settles Express runs that end early from the state machines’ error log', () => {
    Template.fromStack(stacks.triggers).hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: Match.stringLikeRegexp('ExecutionTimedOut'),
    });
    Template.fromStack(stacks.api).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_LOG_GROUP_ARN: Match.anyValue() }) },
    });
  });

  it('gives every queue a dead-letter queue, and every dead-letter queue an alarm that notifies the topic', () => {
    const triggers = Template.fromStack(stacks.triggers);
    const queues = triggers.findResources('AWS::SQS::Queue');
    // A queue without a redrive policy is itself a dead-letter queue (of a queue, of the stream's mappings, of
    // the schedules); every other queue names one of them.
    const deadLetterIds = new Set(Object.keys(queues).filter((id) => !queues[id]!.Properties.RedrivePolicy));
    for (const [id, queue] of Object.entries(queues)) {
      if (deadLetterIds.has(id)) continue;
      expect(deadLetterIds.has(queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]), id).toBe(
        true,
      );
    }
    expect(deadLetterIds.size).toBe(3);
    // The alarms live with the topic (the observability stack); each names its queue through an export.
    const alarms = Object.values(
      Template.fromStack(stacks.observability).findResources('AWS::CloudWatch::Alarm'),
    ).map((alarm) => alarm.Properties);
    const watchedQueues = (metricName: string) =>
      alarms
        .filter((alarm) => alarm.MetricName === metricName)
        .map((alarm) => {
          expect(alarm.AlarmActions).toHaveLength(1);
          return JSON.stringify(alarm.Dimensions);
        });
    const messageAlarms = watchedQueues('ApproximateNumberOfMessagesVisible');
    expect(messageAlarms).toHaveLength(3);
    for (const id of deadLetterIds)
      expect(
        messageAlarms.some((d) => d.includes(id)),
        id,
      ).toBe(true);
    expect(watchedQueues('ApproximateAgeOfOldestMessage')).toHaveLength(1);
  });

  it('serves the console from a private bucket through CloudFront (OAC), with security headers and its config', () => {
    const web = Template.fromStack(stacks.web);
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site/' }),
    });
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    web.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CustomErrorResponses: Match.arrayWith([
          Match.objectLike({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html' }),
        ]),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    const policy = Object.values(web.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as {
      Properties: { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, any> } };
    };
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(JSON.stringify(security.ContentSecurityPolicy)).toContain("script-src 'self'");
    expect(JSON.stringify(security.ContentSecurityPolicy)).toContain("frame-ancestors 'none'");
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    // The build and a config.json naming the API's URL, resolved at deploy time.
    const deployment = Object.values(web.findResources('Custom::CDKBucketDeployment'))[0] as {
      Properties: { SourceMarkers?: unknown[]; SourceObjectKeys: unknown[] };
    };
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(deployment.Properties.SourceMarkers)).toContain('RecipeflowApi');
  });

  it('lets the console call the API and the artifact bucket from its own origin (CORS)', () => {
    Template.fromStack(stacks.api).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key', 'if-none-match']),
        ExposeHeaders: Match.arrayWith(['etag', 'retry-after']),
      }),
    });
    Template.fromStack(stacks.data).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT', 'GET'] })] },
    });
  });
});
