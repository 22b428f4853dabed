// The one DynamoDB table definition, read by the CDK data stack and by the local bootstrap.
//
// Single-table design. Access patterns and keys:
//   tenant by id                      PK=TENANT#<t>               SK=TENANT
//   every tenant (platform operator)  GSI1PK=PLATFORM#TENANTS     GSI1SK=<tenantId>
//   settings of a tenant              PK=TENANT#<t>               SK=SETTINGS
//   API key by hash (auth)            PK=APIKEY#<sha256>          SK=APIKEY
//   agents of a tenant (list, get)    PK=TENANT#<t>               SK=AGENT#<id>
//   recipes of a tenant (list, get)   PK=TENANT#<t>               SK=RECIPE#<id>          (head: latest version)
//   versions of a recipe              PK=TENANT#<t>#RECIPE#<id>   SK=V#<000001>
//   executions of a tenant, newest 1st PK=TENANT#<t>#EXEC         SK=<executionId>        (ids sort by time)
//   executions of a recipe            GSI3PK=TENANT#<t>#RECIPE#<id>  GSI3SK=<executionId>  (keys only)
//   executions by status              GSI2PK=TENANT#<t>#STATUS#<s>   GSI2SK=<executionId>
//   steps of an execution             PK=TENANT#<t>#EXEC#<id>     SK=STEP#<stepId>
//   a fused group's fusable steps     PK=TENANT#<t>#EXEC#<id>     SK=STEP#~<first stepId>  (their records, one item)
//   shared state (state steps)        PK=TENANT#<t>#STATE         SK=<key>
//   map items' steps of an execution  PK=TENANT#<t>#EXEC#<id>     SK=ITEM#<stepId>#<index, 6 digits>
//   schedules                         PK=TENANT#<t>               SK=SCHEDULE#<id>
//   schedules of a recipe            GSI1PK=TENANT#<t>#RECIPE#<id>#SCHEDULES
//   upload triggers of a tenant       PK=TENANT#<t>#TRIGGERS      SK=<triggerId>
//   artifacts, newest first          PK=TENANT#<t>#ARTIFACTS     SK=<artifactId>
//   messages sent (outbox)           PK=TENANT#<t>#MESSAGES      SK=<messageId>
//   human reviews                     PK=TENANT#<t>               SK=REVIEW#<id>
//   reviews by status, oldest first   GSI1PK=TENANT#<t>#REVIEWS#<status>  GSI1SK=<createdAt>#<id>
//   credentials of a tenant (sealed)  PK=TENANT#<t>               SK=CREDENTIAL#<name>
//   credits balance + running count   PK=TENANT#<t>               SK=ACCOUNT              (+ queued count)
//   admission queue, oldest first     PK=TENANT#<t>#QUEUE         SK=<executionId>        (queued runs' starts)
//   credit ledger, newest first       PK=TENANT#<t>#LEDGER        SK=<entryId>            (ids sort by time)
//   + runs' reservations, merged in   GSI4PK=TENANT#<t>#LEDGER    GSI4SK=<entryId>        (the execution item is
//                                       its own reserve line: amount and time projected, so a start writes no
//                                       separate ledger item and a run's later changes never rewrite the index)
//   request-rate window (TTL)         PK=TENANT#<t>               SK=RATE#<epochSecond the window starts>
//   API keys of a tenant              GSI1PK=TENANT#<t>#APIKEYS   GSI1SK=<keyId>
//   idempotency records (TTL)         PK=TENANT#<t>#IDEMPOTENCY   SK=<method route#key> | schedule#… | upload#…
//   audit events waiting to be chained PK=TENANT#<t>#AUDITQ       SK=<intentId>
//   audit events, in chain order      PK=TENANT#<t>#AUDIT         SK=<seq, 12 digits>     (the newest is the head;
//                                       an item is one event, or a block of a batch's events named by its first)
// Every partition key but the platform's own (API key hashes, the tenant index) starts with the tenant, so
// no tenant's query can cross tenants.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const tableKeys = { partitionKey: 'PK', sortKey: 'SK' } as const;
/** Items with this attribute (epoch seconds) expire: rate windows and idempotency records. */
export const ttlAttribute = 'expiresAt';
/**
 * GSI1 and GSI2 carry whole items (their lists show them as they are). GSI3 carries keys only: the executions
 * of a recipe are read back from the table, so a run's end (status, output, totals) never rewrites it. GSI4
 * carries the two attributes a reservation's ledger line shows, which never change after the start.
 */
export const tableIndexes: ReadonlyArray<{
  indexName: 'GSI1' | 'GSI2' | 'GSI3' | 'GSI4';
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes?: string[];
}> = [
  { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
  { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'ALL' },
  { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: 'KEYS_ONLY' },
  {
    indexName: 'GSI4',
    partitionKey: 'GSI4PK',
    sortKey: 'GSI4SK',
    projection: 'INCLUDE',
    nonKeyAttributes: ['creditsReserved', 'createdAt'],
  },
];

export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyNames = [
    tableKeys.partitionKey,
    tableKeys.sortKey,
    ...tableIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: tableIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: {
        ProjectionType: index.projection,
        ...(index.nonKeyAttributes ? { NonKeyAttributes: index.nonKeyAttributes } : {}),
      },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
