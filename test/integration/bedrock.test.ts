// `ai` steps on Amazon Bedrock (Converse API, the function's own role): text and structured output (a forced
// tool call, repaired once), tokens and cost recorded like openai, models limited to those the deployment
// enables — against a loopback server speaking the Converse protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccountIfMissing } from '../../shared/credits/credits';
import { listStepRecords } from '../../shared/executions/execution-repository';
import { startExecution, waitForExecution } from '../../shared/executions/start-execution';
import { createRecipe } from '../../shared/recipes/recipes';
import { startFakeBedrock } from '../support/fake-bedrock';
import { type LocalStack, startLocalStack } from '../support/local-stack';

const TENANT = 'ten_bedrock';
let stack: LocalStack;
let bedrock: Awaited<ReturnType<typeof startFakeBedrock>>;

beforeAll(async () => {
  bedrock = await startFakeBedrock([
    { text: 'Hello from Bedrock' },
    { toolInput: { wrong: 1 } },
    { toolInput: { summary: 'a cargo airline' } },
  ]);
  process.env.BEDROCK_ENDPOINT = bedrock.url;
  process.env.BEDROCK_MODELS = 'amazon.nova-micro-v1:0';
  stack = await startLocalStack();
  await openAccountIfMissing(stack.deps, TENANT, 'enterprise');
});
afterAll(async () => {
  await stack.stop();
  await bedrock.close();
  delete process.env.BEDROCK_ENDPOINT;
  delete process.env.BEDROCK_MODELS;
});

async function run(step: Record<string, unknown>) {
  const recipe = await createRecipe(stack.deps, TENANT, {
    name: 'bedrock',
    steps: [{ id: 'ask', type: 'ai', provider: 'bedrock', ...step }],
  });
  const started = await startExecution(stack.deps, {
    tenantId: TENANT,
    recipeId: recipe.id,
    input: { company: 'Kestrel Cargo' },
    trigger: 'api',
    actor: { id: 'key_test', role: 'admin' },
  });
  const execution = await waitForExecution(stack.deps, TENANT, started.id, 20_000);
  return { execution, steps: await listStepRecords(stack.deps, TENANT, started.id) };
}

describe('ai steps on Bedrock', () => {
  it('answers text through Converse, signed, with tokens and cost recorded', async () => {
    const { execution, steps } = await run({
      model: 'amazon.nova-micro-v1:0',
      prompt: 'Describe {{input.company}}.',
      system: 'Be brief.',
    });
    expect(execution.error).toBeUndefined();
    expect(execution).toMatchObject({ status: 'succeeded', output: { text: 'Hello from Bedrock' } });
    const request = bedrock.requests[0]!;
    expect(request.modelId).toBe('amazon.nova-micro-v1:0');
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(request.body.messages).toEqual([{ role: 'user', content: [{ text: 'Describe Kestrel Cargo.' }] }]);
    expect(request.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(steps[0]!.usage).toEqual({
      provider: 'bedrock',
      model: 'amazon.nova-micro-v1:0',
      promptTokens: 12,
      completionTokens: 7,
      totalTokens: 19,
      costUsd: expect.closeTo((12 * 0.035 + 7 * 0.14) / 1_000_000, 12),
    });
    expect(execution.totals).toMatchObject({ aiCalls: 1, totalTokens: 19 });
  });

  it('gets structured output as a forced tool call, and repairs a reply that breaks the schema once', async () => {
    const schema = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };
    const { execution, steps } = await run({
      model: 'amazon.nova-micro-v1:0',
      prompt: 'Summarise.',
      outputSchema: schema,
    });
    expect(execution).toMatchObject({ status: 'succeeded', output: { summary: 'a cargo airline' } });
    const [first, repair] = bedrock.requests.slice(1);
    expect(first!.body.toolConfig).toMatchObject({
      tools: [{ toolSpec: { name: 'output', inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'output' } },
    });
    expect(repair!.body.messages.at(-1)!.content[0]!.text).toContain('did not match the JSON Schema');
    expect(steps[0]!.usage).toMatchObject({ totalTokens: 38 });
  });

  it('refuses a model the deployment did not enable, and a credential (Bedrock uses the role)', async () => {
    const calls = bedrock.requests.length;
    const disabled = await run({ model: 'amazon.nova-pro-v1:0', prompt: 'Hi' });
    expect(disabled.execution).toMatchObject({
      status: 'failed',
      error: {
        type: 'StepRejected',
        message: 'the Bedrock model amazon.nova-pro-v1:0 is not enabled for this deployment',
      },
    });
    const credential = await run({ model: 'amazon.nova-micro-v1:0', prompt: 'Hi', credential: 'openai-key' });
    expect(credential.execution.error).toMatchObject({ message: 'the bedrock provider takes no credential' });
    expect(bedrock.requests).toHaveLength(calls);
  });
});
