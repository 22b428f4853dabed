// Any valid JSON is stored and returned exactly, or refused with a 422 naming the field and the reason — in a
// run's input and output, settings values, a schedule's input, and a step's output (which no one validated).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { startFakeServer } from '../support/local-stack';

const platform = apiClient(inject('demo').platformAdminKey);
let api: ReturnType<typeof apiClient>;
let key: string;
let echo: string;
let remote: Awaited<ReturnType<typeof startFakeServer>>;

const nested = (levels: number, leaf: unknown = 'bottom'): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};
/** Ordinary JSON that DynamoDB maps cannot hold as it is. */
const awkward = {
  constructor: { prototype: 1 },
  toString: 'not a function',
  huge: 1e308,
  tiny: 5e-324,
  exact: 9007199254740992,
  '': 'empty key',
  deep: nested(40),
  list: [1e200, { hasOwnProperty: true }],
};

beforeAll(async () => {
  remote = await startFakeServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    // Written by hand: a step output no one validated, with what JavaScript objects and DynamoDB handle badly.
    res.end(
      '{"__proto__":{"polluted":true},"big":1e308,"lone":"\\ud800","deep":' +
        JSON.stringify(nested(35)) +
        '}',
    );
  });
  const onboarded = await platform('POST', '/v1/tenants', { name: 'json values', plan: 'pro' });
  key = onboarded.body!.apiKey.key;
  api = apiClient(key);
  await api('PUT', '/v1/settings', { httpAllowList: [remote.url] });
  const recipe = await api('POST', '/v1/recipes', {
    name: 'echo',
    steps: [{ id: 'same', type: 'transform', source: '{{input}}', ops: [] }],
  });
  echo = recipe.body!.id;
});
afterAll(() => remote.close());

describe('JSON values', () => {
  it('keeps a run input and output exactly, whatever its keys, numbers and depth', async () => {
    const run = await api('POST', `/v1/recipes/${echo}/executions?wait=true`, { input: awkward });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', input: awkward, output: awkward });
    expect((await api('GET', `/v1/executions/${run.body!.id}`)).body).toMatchObject({
      input: awkward,
      output: awkward,
    });
    const listed = (await api('GET', `/v1/executions?recipeId=${echo}`)).body!.items;
    expect(listed.find((e: { id: string }) => e.id === run.body!.id).input).toEqual(awkward);
  });

  it.each([
    ['a __proto__ key', '{"input":{"a":{"__proto__":{"x":1}}}}', 'input.a.__proto__', '__proto__'],
    ['an integer a JSON number cannot hold', '{"input":{"n":9007199254740993}}', 'input.n', 'as a string'],
    ['an unpaired surrogate', '{"input":{"s":"\\udc00"}}', 'input.s', 'surrogate'],
    ['nesting of 3000 levels', `{"input":${'['.repeat(3000)}${']'.repeat(3000)}}`, 'input', 'deeper than'],
  ])('refuses %s with a 422 naming the field, and starts nothing', async (_, body, path, reason) => {
    const before = (await api('GET', `/v1/executions?recipeId=${echo}&limit=100`)).body!.items.length;
    const refused = await api('POST', `/v1/recipes/${echo}/executions`, body);
    expect(refused.status).toBe(422);
    const error = refused.body!.errors.find((e: { path: string }) => e.path.startsWith(path));
    expect(error?.message).toContain(reason);
    expect((await api('GET', `/v1/executions?recipeId=${echo}&limit=100`)).body!.items).toHaveLength(before);
  });

  it('keeps settings values and a schedule input exactly', async () => {
    const settings = await api('PUT', '/v1/settings', { httpAllowList: [remote.url], values: awkward });
    expect(settings.status).toBe(200);
    expect((await api('GET', '/v1/settings')).body!.values).toEqual(awkward);
    const schedule = await api('POST', `/v1/recipes/${echo}/schedules`, {
      expression: 'cron(0 9 1 1 ? *)',
      input: awkward,
    });
    expect(schedule.body).toMatchObject({ id: expect.any(String) });
    const listed = (await api('GET', `/v1/recipes/${echo}/schedules`)).body!.items;
    expect(listed.find((s: { id: string }) => s.id === schedule.body!.id).input).toEqual(awkward);
  });

  it('keeps a step output no one validated exactly, as its run output', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'fetch',
      steps: [{ id: 'get', type: 'http', url: `${remote.url}/data` }],
      output: '{{steps.get.output.body}}',
    });
    const run = await fetch(`${inject('demo').baseUrl}/v1/recipes/${recipe.body!.id}/executions?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"input":{}}',
    });
    const text = await run.text();
    const body = JSON.parse(text) as { status: string; output: Record<string, unknown> };
    expect(body.status).toBe('succeeded');
    expect(text).toContain('"__proto__":{"polluted":true}');
    expect(text).toContain('"lone":"\\ud800"');
    expect(body.output.big).toBe(1e308);
    expect(body.output.deep).toEqual(nested(35));
  });
});
