// Least-privilege grants written out explicitly, so no generated wildcard needs a cdk-nag acknowledgement.
import { Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { tableIndexes } from '../../shared/data/table';

const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

export function grantTableAccess(grantee: IGrantable, table: Table): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: TABLE_ACTIONS,
      resources: [
        table.tableArn,
        ...tableIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
      ],
    }),
  );
  // The audit log is append-only: no role may change or remove an event (partition TENANT#<t>#AUDIT).
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLDelete',
      ],
      resources: [table.tableArn],
      conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT'] } },
    }),
  );
}

/** KMS use for credential data keys, limited to calls that carry a credential encryption context. */
export function grantCredentialAccess(grantee: IGrantable, key: IKey, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [key.keyArn],
      conditions: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'credential'] },
      },
    }),
  );
}

/** Object access under tenants/ of a bucket named by a known pattern, with its KMS key; acknowledged with its reason. */
export function grantTenantObjects(
  fn: IGrantable & IConstruct,
  bucket: { name: string; pattern: string; partition: string },
  key: IKey,
  access: 'read' | 'readwrite',
): void {
  const s3Actions = access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'];
  const kmsActions =
    access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'];
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: s3Actions,
      resources: [`arn:${bucket.partition}:s3:::${bucket.name}/tenants/*`],
    }),
  );
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: kmsActions, resources: [key.keyArn] }),
  );
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket.pattern}/tenants/*]`,
    reason:
      'Objects are per tenant and per execution under tenants/<tenantId>/; their keys are not known at deploy time.',
  });
}

/** The acknowledgements every stack with Lambda functions needs, each with its reason. */
/** What a state machine's logging to CloudWatch Logs needs (vended log delivery has no resource ARNs). */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

export function acknowledgeLambdaBaseline(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed basic execution policy only lets each function write its own CloudWatch logs.',
  });
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray (and Step Functions log delivery) actions do not support resource-level permissions.',
  });
}
