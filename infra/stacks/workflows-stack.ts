// Workflows: one Lambda per component, the one role every recipe state machine runs with, and the log group
// their execution errors go to. Recipe state machines (templates installed by tenants included) are created
// through CreateStateMachine when a version is saved, named by the hash of their definition, so identical
// recipes of all tenants share one; CDK deploys none that no record would point at.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { componentFunctions } from '../../shared/api/routes';
import { handlerModule, stepTypeOf } from '../../shared/steps/registry';
import { type BundledFunction, bundledFunction } from './bundled-function';
import { artifactBucket } from './data-stack';
import {
  acknowledgeLambdaBaseline,
  grantCredentialAccess,
  grantTableAccess,
  grantTenantObjects,
  LOG_DELIVERY_ACTIONS,
} from './grants';

/**
 * Platform components that need more than a step's function: the two ends of a map over an artifact read and
 * write whole files (up to 1,000,000 items; measured locally at 95 s for the whole million-row run).
 */
const PLATFORM_COMPONENTS: Record<string, { memoryMb: number; timeoutSeconds: number }> = {
  'artifact-map': { memoryMb: 2048, timeoutSeconds: 900 },
};

export interface WorkflowsStackProps extends StackProps {
  table: Table;
  dataKey: IKey;
  prefix: string;
}

export class WorkflowsStack extends Stack {
  readonly stateMachineRole: Role;
  readonly componentArnPrefix: string;
  /** Every recipe state machine logs execution errors here; the triggers stack settles runs from it. */
  readonly executionLogs: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    this.componentArnPrefix = `arn:${this.partition}:lambda:${this.region}:${this.account}:function:${props.prefix}-`;
    const functions = new Map<string, BundledFunction>();
    for (const component of componentFunctions) {
      const stepType = stepTypeOf(component);
      const fn = bundledFunction(this, `Component-${component}`, {
        entry: handlerModule(`components/${component}`),
        name: `components/${component}`,
        functionName: `${props.prefix}-${component}`,
        environment: { TABLE_NAME: props.table.tableName, CREDENTIALS_KMS_KEY_ID: props.dataKey.keyArn },
        timeout: Duration.seconds(
          stepType?.functionTimeoutSeconds ?? PLATFORM_COMPONENTS[component]?.timeoutSeconds ?? 60,
        ),
        ...(PLATFORM_COMPONENTS[component] ? { memorySize: PLATFORM_COMPONENTS[component].memoryMb } : {}),
      });
      grantTableAccess(fn, props.table);
      // Components open credentials: decrypt only, and only data keys bound to a credential context.
      if (stepType?.opensCredentials) {
        grantCredentialAccess(fn, props.dataKey, ['kms:Decrypt']);
      }
      // Large outputs travel by reference through the artifact bucket; Finalize also keeps failed states there.
      const artifacts = artifactBucket(this, props.prefix);
      fn.addEnvironment('ARTIFACT_BUCKET', artifacts.name);
      grantTenantObjects(fn, artifacts, props.dataKey, 'readwrite');
      // ai steps on Bedrock use this role: it may invoke only the models the deployment enables (context
      // bedrockModels), and the function refuses any other before calling.
      if (component === 'ai') {
        const models = (this.node.tryGetContext('bedrockModels') as string[] | undefined) ?? [];
        if (models.length > 0) {
          fn.addEnvironment('BEDROCK_MODELS', models.join(','));
          fn.addToRolePolicy(
            new PolicyStatement({
              actions: ['bedrock:InvokeModel'],
              resources: models.map(
                (model) => `arn:${this.partition}:bedrock:${this.region}::foundation-model/${model}`,
              ),
            }),
          );
        }
      }
      if (component === 'correspond') {
        fn.addEnvironment('EMAIL_TRANSPORT', 'ses');
        fn.addEnvironment('SMS_TRANSPORT', 'sns');
        fn.addEnvironment(
          'EMAIL_FROM',
          (this.node.tryGetContext('emailFrom') as string | undefined) ?? 'no-reply@example.com',
        );
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [`arn:${this.partition}:ses:${this.region}:${this.account}:identity/*`],
          }),
        );
        // SMS to phone numbers has no resource ARN to scope to.
        fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
        Validations.of(fn).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
          reason:
            'Correspondence sends from whichever verified SES identity the tenant configures; identities are not known at deploy time.',
        });
      }
      functions.set(component, fn);
    }

    this.stateMachineRole = new Role(this, 'StateMachineRole', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: 'The one role every recipe state machine runs with',
    });
    this.stateMachineRole.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...functions.values()].map((fn) => fn.functionArn),
      }),
    );
    this.stateMachineRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [
          ...LOG_DELIVERY_ACTIONS,
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    );

    // Maps over artifacts run as Distributed Maps: the role reads the items and writes the results, both under
    // the tenant's prefix (the key comes from the run's own state), and starts and stops the map run's child
    // executions, which are executions of the recipe's own state machine.
    const artifacts = artifactBucket(this, props.prefix);
    grantTenantObjects(this.stateMachineRole, artifacts, props.dataKey, 'readwrite');
    this.stateMachineRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [`arn:${this.partition}:s3:::${artifacts.name}/tenants/*`],
      }),
    );
    const machines = `arn:${this.partition}:states:${this.region}:${this.account}:stateMachine:recipeflow-*`;
    this.stateMachineRole.addToPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [machines] }),
    );
    this.stateMachineRole.addToPolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [`arn:${this.partition}:states:${this.region}:${this.account}:execution:recipeflow-*/*`],
      }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:recipeflow-*]',
      reason:
        'A Distributed Map starts child executions of its own state machine; recipe state machines are created at run time, named recipeflow-<hash of their definition>.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:recipeflow-*/*]',
      reason: "A Distributed Map's child executions are named by the service at run time.",
    });

    const logs = new LogGroup(this, 'StateMachineLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.executionLogs = logs;
    acknowledgeLambdaBaseline(this);
  }
}
