// Data: the DynamoDB table (from the shared definition) with stream and PITR, the artifact bucket, the KMS key.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { tableIndexes, tableKeys, ttlAttribute } from '../../shared/data/table';
import { artifactCors } from '../console';

/** A predictable name, so grants on its objects can be written (and reviewed) without cross-stack tokens. */
export function auditBucketName(stack: Stack, prefix: string): string {
  return `${prefix}-audit-${stack.account}-${stack.region}`;
}

export function artifactBucketName(stack: Stack, prefix: string): string {
  return `${prefix}-artifacts-${stack.account}-${stack.region}`;
}

/** The artifact bucket as grants take it: its name, and that name as cdk-nag prints it in findings. */
export function artifactBucket(stack: Stack, prefix: string) {
  return {
    name: artifactBucketName(stack, prefix),
    pattern: `${prefix}-artifacts-<AWS::AccountId>-<AWS::Region>`,
    partition: stack.partition,
  };
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly key: Key;
  readonly artifacts: Bucket;
  readonly auditArchive: Bucket;

  constructor(scope: Construct, id: string, props: StackProps & { prefix: string }) {
    super(scope, id, props);
    this.key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'recipeflow tenant data' });
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      // AWS-owned encryption: no KMS call per request; the customer key guards artifacts and, later, credentials.
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType[index.projection],
        ...(index.nonKeyAttributes ? { nonKeyAttributes: index.nonKeyAttributes } : {}),
      });
    }
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server access log destination; logging it to itself would loop.',
    });
    // Tenant data: the customer key, no public access, TLS only, versions kept, access logged, never deleted.
    const tenantData = {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.artifacts = new Bucket(this, 'Artifacts', {
      ...tenantData,
      bucketName: artifactBucketName(this, props.prefix),
      serverAccessLogsPrefix: 'artifacts/',
      eventBridgeEnabled: false,
      // The console uploads and downloads through presigned URLs from the browser.
      cors: [
        {
          allowedOrigins: artifactCors.allowedOrigins,
          allowedMethods: artifactCors.allowedMethods.map((method) => HttpMethods[method]),
          allowedHeaders: artifactCors.allowedHeaders,
          exposedHeaders: artifactCors.exposedHeaders,
          maxAge: artifactCors.maxAgeSeconds,
        },
      ],
    });
    // Audit events are archived here, one object per tenant per stream batch (its batching window), immutable
    // for a year (Object Lock, compliance).
    this.auditArchive = new Bucket(this, 'AuditArchive', {
      ...tenantData,
      bucketName: auditBucketName(this, props.prefix),
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(365)),
      serverAccessLogsPrefix: 'audit-archive/',
    });
  }
}
