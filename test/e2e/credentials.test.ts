// Credentials end to end on a runtime of its own (so its log can be searched): an ai step against an
// OpenAI-compatible server on 127.0.0.1 and an http step with a bearer token, both from stored credentials,
// and a planted secret that must appear in no response, log line, audit event, step preview or stored item.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClientFor } from '../support/api-client';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai';
import { startFakeServer } from '../support/local-stack';
import { startRuntimeProcess, stopProcess } from '../support/runtime-process';

const SECRET = `sk-planted-${Date.now()}-do-not-leak`;
const TOKEN = `tok-planted-${Date.now()}-do-not-leak`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-secrets-'));
let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let openai: FakeOpenAi;
let api: ReturnType<typeof apiClientFor>;
let protectedApi: Awaited<ReturnType<typeof startFakeServer>>;
const bodies: string[] = [];

beforeAll(async () => {
  openai = await startFakeOpenAi({ apiKey: SECRET, breakFirstStructuredReply: true });
  protectedApi = await startFakeServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 403;
      return res.end('{"message":"forbidden"}');
    }
    res.end(JSON.stringify({ employees: 77 }));
  });
  runtime = await startRuntimeProcess(dataDir);
  const client = apiClientFor(runtime.demo.baseUrl, runtime.demo.apiKey);
  api = async (...args) => {
    const response = await client(...args);
    bodies.push(JSON.stringify(response.body));
    return response;
  };
  await api('PUT', '/v1/settings', { httpAllowList: [protectedApi.url] });
}, 120_000);

afterAll(async () => {
  await stopProcess(runtime.child);
  await openai.close();
  await protectedApi.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('stores a credential and shows only its metadata', async () => {
    const created = await api('PUT', '/v1/credentials/my-openai', {
      type: 'openai',
      value: { apiKey: SECRET, baseUrl: openai.url },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'my-openai',
      type: 'openai',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(
      (await api('PUT', '/v1/credentials/bearer', { type: 'http_bearer', value: { token: TOKEN } })).status,
    ).toBe(201);
    expect(
      (await api('PUT', '/v1/credentials/bearer', { type: 'http_bearer', value: { token: TOKEN } })).status,
    ).toBe(200);
    const list = await api('GET', '/v1/credentials');
    expect(list.body!.items.map((c: { name: string }) => c.name).sort()).toEqual(['bearer', 'my-openai']);
    const bad = await api('PUT', '/v1/credentials/x', { type: 'openai', value: { key: SECRET } });
    expect(bad.status).toBe(422);
  });

  it('runs an ai step against an OpenAI-compatible server with the stored key, repairing one bad reply', async () => {
    const recipe = await api('POST', '/v1/recipes', {
      name: 'with credentials',
      steps: [
        { id: 'lookup', type: 'http', url: `${protectedApi.url}/company`, credential: 'bearer' },
        {
          id: 'summary',
          type: 'ai',
          credential: 'my-openai',
          model: 'llama-3.1-8b',
          system: 'Be brief.',
          temperature: 0.2,
          maxTokens: 200,
          prompt: 'Company with {{steps.lookup.output.body.employees}} employees',
          outputSchema: {
            type: 'object',
            required: ['summary'],
            properties: { summary: { type: 'string' } },
          },
        },
      ],
    });
    const run = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body).toMatchObject({ status: 'succeeded', output: { summary: 'summary from llama-3.1-8b' } });
    expect(openai.requests).toHaveLength(2); // the reply that broke the schema, then the repair
    expect(openai.requests[0]).toMatchObject({ model: 'llama-3.1-8b', temperature: 0.2, max_tokens: 200 });
    expect(openai.requests[0]!.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(openai.requests[1]!.messages.at(-1)!.content).toContain('did not match the JSON Schema');
    const ai = run.body!.steps.find((s: { stepId: string }) => s.stepId === 'summary');
    expect(ai.usage).toMatchObject({
      model: 'llama-3.1-8b',
      promptTokens: 22,
      completionTokens: 14,
      totalTokens: 36,
    });
    expect(ai.usage.costUsd).toBeUndefined(); // no list price for a self-hosted model
    expect(run.body!.totals).toEqual({
      aiCalls: 1,
      promptTokens: 22,
      completionTokens: 14,
      totalTokens: 36,
      costUsd: null,
    });
  });

  it('fails clearly without leaking when a credential is missing or the provider refuses the key', async () => {
    await api('PUT', '/v1/credentials/wrong-key', {
      type: 'openai',
      value: { apiKey: `${SECRET}-wrong`, baseUrl: openai.url },
    });
    const recipe = await api('POST', '/v1/recipes', {
      name: 'bad credentials',
      steps: [{ id: 'summary', type: 'ai', credential: 'wrong-key', prompt: 'hi' }],
    });
    const refused = await api('POST', `/v1/recipes/${recipe.body!.id}/executions?wait=true`, { input: {} });
    expect(refused.body).toMatchObject({
      status: 'failed',
      error: { step: 'summary', type: 'StepRejected' },
    });
    expect(refused.body!.error.message).toContain('401');
    const missing = await api('POST', '/v1/recipes', {
      name: 'missing credential',
      steps: [{ id: 'call', type: 'http', url: `${protectedApi.url}/x`, credential: 'nope' }],
    });
    const run = await api('POST', `/v1/recipes/${missing.body!.id}/executions?wait=true`, { input: {} });
    expect(run.body).toMatchObject({
      status: 'failed',
      error: { type: 'StepRejected', message: 'credential "nope" not found' },
    });
  });

  it('never shows the planted secrets in a response, the log, the audit trail, a preview or a stored item', async () => {
    await api('GET', '/v1/executions?limit=100');
    for (const execution of (await api('GET', '/v1/executions?limit=100')).body!.items) {
      await api('GET', `/v1/executions/${execution.id}`);
    }
    // Audit events are chained one batching window after the change and archived one window later: wait until
    // the archive holds the newest event, so the search below covers the chain and the archive alike.
    await expect
      .poll(
        async () => {
          const events = (await api('GET', '/v1/audit?limit=100')).body!.items as Array<{
            seq: number;
            action: string;
          }>;
          const newest = Math.max(...events.map((event) => event.seq));
          const archivedUpTo = filesUnder(dataDir).map((file) =>
            Number(/(\d{12})-(\d{12})\.jsonl/.exec(file)?.[2] ?? -1),
          );
          return (
            events.some((event) => event.action.startsWith('PUT /v1/credentials')) &&
            archivedUpTo.some((seq) => seq >= newest)
          );
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
    for (const secret of [SECRET, TOKEN]) {
      for (const body of bodies) expect(body).not.toContain(secret);
      expect(runtime.output()).not.toContain(secret);
      for (const file of filesUnder(dataDir)) expect(readFileSync(file).includes(secret), file).toBe(false);
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
