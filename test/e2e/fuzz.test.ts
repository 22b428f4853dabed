// Hostile requests over every operation of the OpenAPI document — broken path parameters, cursors, limits,
// bodies of every wrong shape — never get a 500, always get problem+json, and a refused request writes
// nothing of the tenant's data (its audit trail of attempts and its rate-limit counters aside). Bounded and
// seeded: the same few hundred requests every run, so a failure names a request that can be replayed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { seededRandom } from '../support/random';

const demo = inject('demo');
const platform = apiClient(demo.platformAdminKey);
let tenantId: string;
let tenantKey: string;
let db: DynamoDBDocumentClient;
let table: string;

interface Operation {
  method: string;
  path: string;
  platformOnly: boolean;
  query: string[];
  body?: { properties?: Record<string, { type?: string | string[] }>; required?: string[] };
}

beforeAll(async () => {
  const onboarded = await platform('POST', '/v1/tenants', { name: 'fuzz', plan: 'pro' });
  tenantId = onboarded.body!.tenant.id;
  tenantKey = onboarded.body!.apiKey.key;
  const endpoints = JSON.parse(readFileSync(path.join(demo.dataDir, 'endpoints.json'), 'utf8')) as Record<
    string,
    string
  >;
  table = endpoints.TABLE_NAME!;
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: endpoints.DYNAMODB_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
});
afterAll(() => db.destroy());

/** The tenant's data, without what every request may write: audit events of attempts, rate windows. */
async function tenantData(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(PK, :pk)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}` },
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      const key = `${item.PK}|${item.SK}`;
      if (/#AUDIT|AUDITHEAD|\|RATE#|#IDEMPOTENCY/.test(key)) continue;
      items.set(key, JSON.stringify(item));
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** A small seeded generator, so the run is the same every time. */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const PATH_VALUES = [
  '%',
  '%E0%A4%A',
  'x'.repeat(5000),
  encodeURIComponent('../../etc/passwd'),
  encodeURIComponent("rcp_' OR '1'='1"),
  encodeURIComponent('\u0000\u001f'),
  encodeURIComponent('😀'),
  'exe_does_not_exist',
];
const QUERY_VALUES: Record<string, string[]> = {
  limit: ['-1', '0', '101', '1e3', 'abc', ''],
  cursor: [
    '!!!',
    b64({ PK: 'TENANT#someone-else#EXEC', SK: 'x' }),
    b64({ PK: { S: 'x' } }),
    b64([]),
    'A'.repeat(3000),
  ],
};
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const BODIES = [
  '{',
  'null',
  '[]',
  '"text"',
  '12',
  '{"__proto__":{"polluted":true}}',
  `{"a":${deep(5000)}}`,
  '{"n":9007199254740993}',
  '{"s":"\\ud800"}',
  '{"name":{"$gt":""}}',
];
const WRONG: Record<string, unknown[]> = {
  string: [12, [], {}, null, 'x'.repeat(100_000)],
  number: ['12', -1e308, {}, null],
  integer: [1.5, '1', 1e300],
  boolean: ['true', 0],
  array: [{}, 'a', [null, { deep: JSON.parse(deep(60)) }]],
  object: [[], 'a', 1],
};

function operations(document: { paths: Record<string, Record<string, Record<string, any>>> }): Operation[] {
  const found: Operation[] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      found.push({
        method: method.toUpperCase(),
        path: route,
        platformOnly: String(op.description ?? '').includes('platform role'),
        query: (op.parameters ?? [])
          .filter((p: { in: string }) => p.in === 'query')
          .map((p: { name: string }) => p.name),
        body: schema,
      });
    }
  }
  return found;
}

function hostileRequests(op: Operation, next: () => number) {
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const fillPath = (value: () => string) => op.path.replace(/\{\w+\}/g, value);
  const requests: Array<{ path: string; body?: string }> = [];
  if (op.path.includes('{'))
    for (let i = 0; i < 3; i++) requests.push({ path: fillPath(() => pick(PATH_VALUES)) });
  const plain = fillPath(() => 'zz_missing');
  for (const name of op.query) {
    const values = QUERY_VALUES[name] ?? ['', 'x'.repeat(3000), '%ZZ', 'bogus'];
    requests.push({ path: `${plain}?${name}=${encodeURIComponent(pick(values))}` });
  }
  if (op.method !== 'GET' && op.method !== 'DELETE') {
    for (let i = 0; i < 3; i++) requests.push({ path: plain, body: pick(BODIES) });
    for (const [name, property] of Object.entries(op.body?.properties ?? {})) {
      const type = Array.isArray(property.type) ? property.type[0] : property.type;
      if (!type || !WRONG[type]) continue;
      requests.push({ path: plain, body: JSON.stringify({ [name]: pick(WRONG[type]!) }) });
    }
  }
  return requests;
}

describe('fuzzing every operation', () => {
  it('never answers 500, always problem+json, and a refused request writes nothing', async () => {
    const document = (await (await fetch(`${demo.baseUrl}/v1/openapi.json`)).json()) as Parameters<
      typeof operations
    >[0];
    const next = seededRandom(20261126);
    const ops = operations(document);
    expect(ops.length).toBeGreaterThan(40);
    let before = await tenantData();
    expect(before.size).toBeGreaterThan(1); // the tenant, its account, its key…
    let sent = 0;
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const op of ops) {
      const key = op.platformOnly ? demo.platformAdminKey : tenantKey;
      for (const request of hostileRequests(op, next)) {
        const response = await fetch(`${demo.baseUrl}${request.path}`, {
          method: op.method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: request.body,
        });
        sent += 1;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        const what = `${op.method} ${request.path.slice(0, 120)} ${String(request.body).slice(0, 80)} → ${response.status}`;
        if (response.status >= 500) failures.push(`${what}: ${text.slice(0, 200)}`);
        if (response.status >= 400 && !String(response.headers.get('content-type')).includes('problem+json'))
          failures.push(`${what}: not problem+json`);
        const after = await tenantData();
        if (response.status >= 400 && !op.platformOnly) {
          const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
            (k) => before.get(k) !== after.get(k),
          );
          if (changed.length > 0) failures.push(`${what}: wrote ${changed.join(', ')}`);
        }
        before = after;
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(sent).toBeLessThan(600);
    expect(statuses.get(400)).toBeGreaterThan(20);
    expect(statuses.get(422)).toBeGreaterThan(20);
    expect(statuses.get(404)).toBeGreaterThan(20);
    // The write check sees writes: an accepted change shows up in the snapshot.
    const accepted = await fetch(`${demo.baseUrl}/v1/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tenantKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ values: { seen: true } }),
    });
    expect(accepted.status).toBe(200);
    const after = await tenantData();
    expect([...after].some(([key, item]) => before.get(key) !== item)).toBe(true);
  }, 300_000);
});
