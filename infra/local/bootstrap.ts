// Creates the table from the shared definition when it is missing (DynamoDB Local keeps it on disk), and adds
// the indexes a table from an earlier version lacks.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../shared/data/table';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let existing: DescribeTableCommandOutput;
  try {
    existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    return;
  }
  // A table made by an earlier version gains the indexes added since (DynamoDB fills them from the items),
  // as a CloudFormation update adds them in the cloud.
  const have = new Set(existing.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName));
  const wanted = createTableInput(tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (have.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}
