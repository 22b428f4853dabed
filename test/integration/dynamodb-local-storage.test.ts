// DynamoDB Local's files on disk: the runtime keeps them in SQLite's write-ahead-log mode, and a data folder
// written before (rollback journal) is converted at the next start with nothing lost.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local';

const REGION = 'eu-west-1';
let dbPath: string;
let running: DynamoDbLocal | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  rmSync(dbPath, { recursive: true, force: true });
});

function client(endpoint: string) {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The journal mode a SQLite file's header says: bytes 18 and 19 are 2 in write-ahead-log mode, 1 before. */
function headerMode(file: string): 'wal' | 'rollback journal' {
  const header = readFileSync(file).subarray(18, 20);
  return header[0] === 2 && header[1] === 2 ? 'wal' : 'rollback journal';
}

describe('DynamoDB Local storage', () => {
  it('keeps the region’s tables in write-ahead-log mode and converts an older file with its items', async () => {
    dbPath = mkdtempSync(path.join(tmpdir(), 'recipeflow-ddb-'));
    const file = path.join(dbPath, `local_${REGION}.db`);
    running = await startDynamoDbLocal({ dbPath, region: REGION, log: () => {} });
    expect(headerMode(file)).toBe('wal');
    const db = client(running.endpoint);
    await db.send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      }),
    );
    await db.send(new PutItemCommand({ TableName: 'kept', Item: { PK: { S: 'a' }, n: { N: '1' } } }));
    db.destroy();
    await running.stop();
    running = undefined;

    // The file as a runtime before this one left it: rollback journal.
    const older = new DatabaseSync(file);
    older.exec('PRAGMA journal_mode = DELETE');
    older.close();
    expect(headerMode(file)).toBe('rollback journal');

    running = await startDynamoDbLocal({ dbPath, region: REGION, log: () => {} });
    expect(headerMode(file)).toBe('wal');
    const again = client(running.endpoint);
    const { Item } = await again.send(new GetItemCommand({ TableName: 'kept', Key: { PK: { S: 'a' } } }));
    again.destroy();
    expect(Item).toEqual({ PK: { S: 'a' }, n: { N: '1' } });
  }, 120_000);
});
