// The sample events in events/ are the shapes the handlers receive: one per API route family, component,
// trigger and the authorizer. These check that they stay true to the code, and run the ones that need no data.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handler as health } from '../../functions/api/health';
import { apiHandlers, apiRoutes, componentFunctions, publicHandlers } from '../../shared/api/routes';
import { stepSchema } from '../../shared/recipes/recipe-schema';
import { objectsCreated } from '../../shared/triggers/uploads';

// biome-ignore lint/suspicious/noExplicitAny: fixtures of many shapes, read field by field
const load = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8')) as Record<string, any>;
const names = readdirSync('events');
const handlersIn = (folder: string) =>
  readdirSync(`functions/${folder}`)
    .filter((f) => f.endsWith('.ts') && !['endpoint.ts', 'component-handler.ts'].includes(f))
    .map((f) => f.replace(/\.ts$/, ''));

describe('sample events', () => {
  it('exist for every handler: each API route family, component and trigger, and the authorizer', () => {
    for (const name of names) expect(() => load(name), name).not.toThrow();
    const expected = [
      ...apiHandlers.map((h) => `api-${h}.json`),
      ...componentFunctions.map((c) => `component-${c}.json`),
      'authorizer.json',
      'schedule.json',
      'execution-status-change.json',
      'execution-log-subscription.json',
      'table-stream.json',
      'admission.json',
      'sqs-uploads.json',
      's3-object-created.json',
    ];
    expect(handlersIn('triggers').sort()).toEqual([
      'admission',
      'execution-status',
      'schedule',
      'table-stream',
      'upload',
    ]);
    expect(names).toEqual(expect.arrayContaining(expected));
  });

  it('route each API event to a route of its family, as API Gateway would, behind the authorizer', () => {
    for (const handler of apiHandlers) {
      const event = load(`api-${handler}.json`);
      const route = apiRoutes.find((r) => `${r.method} ${r.path}` === event.routeKey);
      expect(route?.handler, handler).toBe(handler);
      expect(event.requestContext.routeKey).toBe(event.routeKey);
      expect(event.requestContext.http.method).toBe(route!.method);
      if (!publicHandlers.has(handler)) expect(event.requestContext.authorizer.lambda.role).toBeTruthy();
      if (event.body) expect(() => JSON.parse(event.body), handler).not.toThrow();
    }
  });

  it('give each component a step it accepts', () => {
    for (const component of componentFunctions.filter((c) => c !== 'finalize' && c !== 'artifact-map')) {
      const { step, state } = load(`component-${component}.json`);
      expect(stepSchema.safeParse(step).success, component).toBe(true);
      expect(step.type).toBe(component);
      expect(state.run.tenantId).toBe('ten_demo');
    }
    expect(load('component-review.json').taskToken).toBeTruthy();
    const map = load('component-artifact-map.json');
    expect(map.map).toBe('prepare');
    expect(stepSchema.safeParse(map.step).success).toBe(true);
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
