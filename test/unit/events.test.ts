// The sample events in events/ are the shapes the handlers receive; these run the handlers that need no data.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handler as health } from '../../functions/api/health';
import { objectsCreated } from '../../shared/triggers/uploads';

const load = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8')) as Record<string, unknown>;

describe('sample events', () => {
  it('are valid JSON for every handler family', () => {
    const names = readdirSync('events');
    expect(names).toEqual(
      expect.arrayContaining([
        'api-health.json',
        'api-start-execution.json',
        'authorizer.json',
        'component-transform.json',
        'schedule.json',
        'execution-status-change.json',
        'table-stream.json',
        's3-object-created.json',
        'sqs-uploads.json',
      ]),
    );
    for (const name of names) expect(() => load(name), name).not.toThrow();
  });

  it('drive the API handler as API Gateway would', async () => {
    const response = await health(load('api-health.json') as never, {} as never);
    expect(response).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });
  });

  it('carry the status-change input the reconciler reads', () => {
    const detail = load('execution-status-change.json').detail as { input: string };
    expect(JSON.parse(detail.input)).toMatchObject({
      run: { tenantId: 'ten_demo' },
      execution: { id: 'exe_sample' },
    });
  });

  it('carry S3 notifications in SQS message bodies, the test event among them', () => {
    const bodies = (load('sqs-uploads.json').Records as Array<{ body: string }>).map((r) =>
      JSON.parse(r.body),
    );
    expect(bodies.flatMap(objectsCreated)).toEqual([
      {
        bucket: 'recipeflow-artifacts-123456789012-eu-west-1',
        key: 'tenants/ten_demo/artifacts/art_0mhx2k9q0a1b2c3d4e5f6a7b8',
        version: '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd',
      },
    ]);
    expect(bodies[1]).toEqual(load('s3-object-created.json'));
  });
});
