import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../shared/components/address-policy';
import { completeOffline } from '../../shared/components/offline-provider';
import { StepRejected } from '../../shared/components/step-errors';
import type { ScoreStep, TransformStep } from '../../shared/recipes/recipe-schema';
import { transformStepSchema } from '../../shared/recipes/recipe-schema';
import { runScore } from '../../shared/steps/score/run';
import { runTransform } from '../../shared/steps/transform/run';

const leads = [
  { domain: 'b.example', name: 'B', employees: 40, tags: ['x'] },
  { domain: 'a.example', name: 'A', employees: 400, tags: ['y', 'z'] },
  { domain: 'b.example', name: 'B again', employees: 40, tags: [] },
  { domain: 'c.example', name: 'C', tags: ['x'] },
];

function transform(ops: unknown[], source: unknown = '{{input.leads}}'): TransformStep {
  return transformStepSchema.parse({ id: 't', type: 'transform', source, ops });
}

describe('transform', () => {
  const scope = { input: { leads, minimum: 50 } };

  it('dedupes by key, sorts with missing values last, limits and picks', () => {
    const result = runTransform(
      transform([
        { op: 'dedupe', by: 'domain' },
        { op: 'sort', by: 'employees', order: 'desc' },
        { op: 'limit', count: 2 },
        { op: 'pick', fields: ['domain', 'employees'] },
      ]),
      scope,
    );
    expect(result).toEqual([
      { domain: 'a.example', employees: 400 },
      { domain: 'b.example', employees: 40 },
    ]);
  });

  it('filters with conditions on item and the run scope, maps with templates, flattens', () => {
    expect(
      runTransform(
        transform([{ op: 'filter', when: { path: 'item.employees', op: 'gte', value: 50 } }]),
        scope,
      ),
    ).toEqual([leads[1]]);
    expect(
      runTransform(
        transform([
          { op: 'map', to: { id: '{{item.domain}}', size: '{{item.employees}}' } },
          { op: 'limit', count: 1 },
        ]),
        scope,
      ),
    ).toEqual([{ id: 'b.example', size: 40 }]);
    expect(
      runTransform(
        transform([{ op: 'map', to: '{{item.tags}}' }, { op: 'flatten' }, { op: 'dedupe' }]),
        scope,
      ),
    ).toEqual(['x', 'y', 'z']);
  });

  it('rejects an array op on a non-array with the op named', () => {
    expect(() => runTransform(transform([{ op: 'limit', count: 1 }], '{{input.minimum}}'), scope)).toThrow(
      StepRejected,
    );
    expect(() => runTransform(transform([{ op: 'limit', count: 1 }], '{{input.minimum}}'), scope)).toThrow(
      'ops[0] (limit)',
    );
  });
});

describe('score', () => {
  const step: ScoreStep = {
    id: 'fit',
    type: 'score',
    rules: [
      { when: { path: 'input.employees', op: 'gte', value: 50 }, points: 40 },
      { when: { path: 'input.industry', op: 'eq', value: 'Software' }, points: 35 },
    ],
    bands: [
      { min: 0, label: 'cold' },
      { min: 70, label: 'hot' },
      { min: 40, label: 'warm' },
    ],
  };

  it('adds the points of matched rules and picks the highest band reached', () => {
    expect(runScore(step, { input: { employees: 60, industry: 'Software' } })).toEqual({
      score: 75,
      band: 'hot',
      matched: [0, 1],
    });
    expect(runScore(step, { input: { employees: 60 } })).toEqual({ score: 40, band: 'warm', matched: [0] });
    expect(runScore({ ...step, bands: [] }, { input: {} })).toEqual({ score: 0, band: null, matched: [] });
  });
});

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '169.254.169.254',
    '192.168.0.1',
    '::1',
    '::ffff:127.0.0.1',
    'fd00::1',
    'fe80::1',
  ])('treats %s as private', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(['93.184.216.34', '2606:4700::1111', '::ffff:5db8:d822'])('treats %s as public', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('offline AI provider', () => {
  it('is deterministic, fits the output schema and says it is offline', () => {
    const request = {
      model: 'gpt-4o-mini',
      prompt: 'Summarise Acme',
      outputSchema: {
        type: 'object',
        required: ['summary', 'score'],
        properties: { summary: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } },
      },
    };
    const a = completeOffline(request);
    expect(a).toEqual(completeOffline(request));
    expect(a.output).toMatchObject({
      provider: 'offline',
      summary: expect.stringContaining('Summarise Acme'),
    });
    const score = (a.output as { score: number }).score;
    expect(score).toBeGreaterThanOrEqual(1);
    expect(score).toBeLessThanOrEqual(5);
    expect(completeOffline({ model: 'm', prompt: 'hi' }).output).toEqual({
      text: '[offline m] hi',
      provider: 'offline',
    });
  });
});

describe('AI cost and run totals', () => {
  it('prices listed models per million tokens, is zero offline and unknown elsewhere', async () => {
    const { aiCostUsd } = await import('../../shared/steps/ai/prices');
    expect(aiCostUsd('gpt-4o-mini', 'openai', 1_000_000, 1_000_000)).toBe(0.75);
    expect(aiCostUsd('gpt-4o-mini', 'offline', 500, 500)).toBe(0);
    expect(aiCostUsd('llama-3.1-8b', 'openai', 500, 500)).toBeNull();
  });

  it('sums usage over steps and turns the cost unknown when one step is unpriced', async () => {
    const { sumUsage } = await import('../../shared/executions/execution-repository');
    const step = {
      stepId: 'a',
      type: 'ai',
      status: 'succeeded',
      attempts: 1,
      startedAt: '',
      finishedAt: '',
      latencyMs: 0,
    } as const;
    const priced = {
      ...step,
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, costUsd: 0.001 },
    };
    expect(sumUsage([priced, priced, { ...step, type: 'http' }])).toEqual({
      aiCalls: 2,
      promptTokens: 20,
      completionTokens: 10,
      totalTokens: 30,
      costUsd: 0.002,
    });
    expect(sumUsage([priced, { ...step, usage: { totalTokens: 1 } }]).costUsd).toBeNull();
  });
});
