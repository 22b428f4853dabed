// API: an HTTP API whose routes (the shared route table) integrate one Lambda per handler module.
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { apiHandlers, apiRoutes, publicHandlers } from '../../shared/api/routes';
import { AUTHORIZER_TTL_SECONDS, IDENTITY_SOURCE } from '../../shared/auth/identity';
import { lambdaStepTypes, stepTypes } from '../../shared/steps/registry';
import { apiCors } from '../console';
import { bundledFunction } from './bundled-function';
import { artifactBucket, artifactBucketName } from './data-stack';
import {
  acknowledgeLambdaBaseline,
  grantCredentialAccess,
  grantTableAccess,
  grantTenantObjects,
  LOG_DELIVERY_ACTIONS,
} from './grants';

export interface ApiStackProps extends StackProps {
  scheduling: { group: string; targetArn: string; roleArn: string; deadLetterArn: string; role: IRole };
  table: Table;
  dataKey: IKey;
  prefix: string;
  stateMachineRole: Role;
  componentArnPrefix: string;
  /** The log group recipe state machines created at run time log execution errors to. */
  executionLogGroupArn: string;
}

export class ApiStack extends Stack {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    // The console (CloudFront, another origin) calls the API from the browser: preflights are answered by
    // API Gateway itself, before the authorizer.
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${props.prefix}-api`,
      createDefaultStage: true,
      corsPreflight: {
        allowOrigins: apiCors.allowOrigins,
        allowMethods: apiCors.allowMethods.map(
          (method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod],
        ),
        allowHeaders: apiCors.allowHeaders,
        exposeHeaders: apiCors.exposeHeaders,
        maxAge: Duration.seconds(apiCors.maxAgeSeconds),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };

    const machines = `arn:${this.partition}:states:${this.region}:${this.account}:stateMachine:recipeflow-*`;
    const executions = `arn:${this.partition}:states:${this.region}:${this.account}:execution:recipeflow-*:*`;
    const environment = {
      TABLE_NAME: props.table.tableName,
      COMPONENT_ARN_PREFIX: props.componentArnPrefix,
      STATE_MACHINE_ROLE_ARN: props.stateMachineRole.roleArn,
      CREDENTIALS_KMS_KEY_ID: props.dataKey.keyArn,
    };
    // API keys and JWTs are resolved once per Authorization header and cached by API Gateway for 30 s
    // (so a revoked key may work for up to 30 s). Issuer, audience and JWKS come from CDK context.
    const jwtSettings = Object.fromEntries(
      ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_JWKS_URL']
        .map((name) => [name, this.node.tryGetContext(name) as string | undefined])
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const authorizerFn = bundledFunction(this, 'Authorizer', {
      entry: 'functions/authorizer/authorizer.ts',
      environment: { TABLE_NAME: props.table.tableName, ...jwtSettings },
      timeout: Duration.seconds(5),
    });
    grantTableAccess(authorizerFn, props.table);
    const authorizer = new HttpLambdaAuthorizer('KeysAndTokens', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [IDENTITY_SOURCE],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_TTL_SECONDS),
    });
    for (const handler of apiHandlers) {
      const fn = bundledFunction(this, `Api-${handler}`, {
        entry: `functions/api/${handler}.ts`,
        environment,
        timeout: Duration.seconds(handler === 'executions' || handler === 'steps' ? 29 : 10),
      });
      grantTableAccess(fn, props.table);
      if (handler === 'credentials') grantCredentialAccess(fn, props.dataKey, ['kms:GenerateDataKey']);
      // Recipes (and onboarding with examples, which installs templates) create state machines.
      if (handler === 'recipes' || handler === 'tenants') {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:CreateStateMachine', 'states:TagResource'],
            resources: [machines],
          }),
        );
        // The API may hand state machines exactly one role.
        props.stateMachineRole.grantPassRole(fn.grantPrincipal);
      }
      if (handler === 'recipes' || handler === 'executions' || handler === 'tenants') {
        // State machines are created with logging to the execution log (redrive creates them too).
        fn.addEnvironment('STATE_MACHINE_LOG_GROUP_ARN', props.executionLogGroupArn);
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: LOG_DELIVERY_ACTIONS,
            resources: ['*'],
          }),
        );
      }
      if (handler === 'reviews') {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [machines],
          }),
        );
      }
      if (handler === 'schedules') {
        const { scheduling } = props;
        fn.addEnvironment('SCHEDULE_GROUP', scheduling.group);
        fn.addEnvironment('SCHEDULE_TARGET_ARN', scheduling.targetArn);
        fn.addEnvironment('SCHEDULER_ROLE_ARN', scheduling.roleArn);
        fn.addEnvironment('SCHEDULE_DLQ_ARN', scheduling.deadLetterArn);
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
            resources: [
              `arn:${this.partition}:scheduler:${this.region}:${this.account}:schedule/${props.prefix}/*`,
            ],
          }),
        );
        scheduling.role.grantPassRole(fn.grantPrincipal);
        Validations.of(fn).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${props.prefix}/*]`,
          reason: 'Schedules are created per tenant record at run time, inside the one schedule group.',
        });
      }
      if (handler === 'health') {
        // Readiness asks the artifact bucket too (HeadBucket needs s3:ListBucket on the bucket).
        const name = artifactBucketName(this, props.prefix);
        fn.addEnvironment('ARTIFACT_BUCKET', name);
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [`arn:${this.partition}:s3:::${name}`],
          }),
        );
      }
      if (handler === 'artifacts') {
        // Presigned URLs carry this role's signature, so it needs the object rights it hands out.
        const artifacts = artifactBucket(this, props.prefix);
        fn.addEnvironment('ARTIFACT_BUCKET', artifacts.name);
        grantTenantObjects(fn, artifacts, props.dataKey, 'readwrite');
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:DeleteObject'],
            resources: [`arn:${this.partition}:s3:::${artifacts.name}/tenants/*`],
          }),
        );
      }
      if (handler === 'steps') {
        // POST /v1/steps/test runs a step in its own function: invoke those, and only those.
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            // Only task types run when tried; a review's function is never invoked by a test.
            resources: lambdaStepTypes
              .filter((type) => stepTypes[type].kind === 'task')
              .map((type) => `${props.componentArnPrefix}${type}`),
          }),
        );
      }
      if (handler === 'executions') {
        // Redrive: reads the failed state and creates the state machine that resumes at the failed step.
        const artifacts = artifactBucket(this, props.prefix);
        fn.addEnvironment('ARTIFACT_BUCKET', artifacts.name);
        grantTenantObjects(fn, artifacts, props.dataKey, 'read');
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:CreateStateMachine', 'states:TagResource'],
            resources: [machines],
          }),
        );
        props.stateMachineRole.grantPassRole(fn.grantPrincipal);
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['states:StartExecution'], resources: [machines] }),
        );
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:DescribeExecution', 'states:StopExecution'],
            resources: [executions],
          }),
        );
      }
      const integration = new HttpLambdaIntegration(`Integration-${handler}`, fn);
      for (const route of apiRoutes.filter((r) => r.handler === handler)) {
        this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          ...(publicHandlers.has(handler) ? {} : { authorizer }),
        });
      }
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        '/v1/health and /v1/ready are liveness and readiness probes and answer without credentials; every other route has the Lambda authorizer.',
    });
    acknowledgeLambdaBaseline(this);
    const runtimeMachines =
      'Recipe state machines are created at run time and named recipeflow-<hash of their definition>, ' +
      'so the API can only be scoped to that name prefix (and their executions).';
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:recipeflow-*]',
      reason: runtimeMachines,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:recipeflow-*:*]',
      reason: runtimeMachines,
    });
  }
}
