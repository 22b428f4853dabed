import validateAsl from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { builtinRecipes } from '../../shared/recipes/builtin-recipes';
import {
  chooseEngine,
  compileRecipe,
  groupOf,
  resumeFrom,
  stateMachineName,
} from '../../shared/recipes/recipe-compiler';
import { validateRecipe } from '../../shared/recipes/recipe-validation';
import { stepCompilerOf } from '../../shared/steps/compilers';
import { stepTypeNames, stepTypes } from '../../shared/steps/registry';
import { stepRuntimes } from '../../shared/steps/runtimes';
import type { StepTypeDefinition } from '../../shared/steps/types';
import { threeStepRecipe } from '../support/recipes';

const options = {
  componentArn: (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:rf-${name}`,
};
const recipe = () => validateRecipe(threeStepRecipe('http://dir.example'));

describe('compileRecipe', () => {
  it('is deterministic: the same recipe gives byte-identical ASL and the same name', () => {
    const a = JSON.stringify(compileRecipe(recipe(), options));
    const b = JSON.stringify(compileRecipe(recipe(), options));
    expect(a).toBe(b);
    expect(stateMachineName(JSON.parse(a), 'EXPRESS')).toBe(stateMachineName(JSON.parse(b), 'EXPRESS'));
    expect(stateMachineName(JSON.parse(a), 'EXPRESS')).not.toBe(stateMachineName(JSON.parse(a), 'STANDARD'));
  });

  it('produces ASL that passes asl-validator, for the reference and every built-in recipe', () => {
    for (const definition of [recipe(), ...builtinRecipes().map((r) => r.definition)]) {
      const { isValid, errors } = validateAsl(compileRecipe(definition, options));
      expect(errors).toEqual([]);
      expect(isValid).toBe(true);
    }
  });

  it('chains the steps; the fusable last step ends the run itself, so a run takes one transition per step', () => {
    const asl = compileRecipe(recipe(), options);
    expect(asl.StartAt).toBe('company');
    expect(successPath(asl)).toEqual(['company', 'analysis', 'fit']);
    expect(asl.States.fit).toMatchObject({
      Parameters: {
        FunctionName: options.componentArn('finalize'),
        Payload: { group: [{ id: 'fit' }], finalize: { lastStep: 'fit' }, settles: true },
      },
      OutputPath: '$.Payload',
      End: true,
    });
    expect(asl.States.Finalize).toBeUndefined();
  });

  it('places results at $.steps.<id> and passes the state and the retry count', () => {
    const state = compileRecipe(recipe(), options).States.company!;
    expect(state.ResultPath).toBe('$.steps.company');
    expect(state.ResultSelector).toEqual({ 'output.$': '$.Payload.output' });
    expect(state.Parameters).toMatchObject({
      FunctionName: options.componentArn('http'),
      Payload: { 'state.$': '$', 'attempt.$': '$$.State.RetryCount', step: { id: 'company' } },
    });
  });

  it('gives every Task the Lambda transient retrier plus the step policy, and a Catch', () => {
    const raw = threeStepRecipe('http://dir.example');
    Object.assign(raw.steps[0]!, {
      retry: { maxAttempts: 4, intervalSeconds: 2, backoffRate: 3, maxDelaySeconds: 30, jitter: 'full' },
    });
    const state = compileRecipe(validateRecipe(raw), options).States.company!;
    const retry = state.Retry as Array<Record<string, unknown>>;
    expect(retry[0]!.ErrorEquals).toContain('Lambda.TooManyRequestsException');
    expect(retry[1]).toEqual({
      ErrorEquals: ['StepFailed', 'States.Timeout'],
      IntervalSeconds: 2,
      MaxAttempts: 3,
      BackoffRate: 3,
      MaxDelaySeconds: 30,
      JitterStrategy: 'FULL',
    });
    expect(state.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failures.company', Next: 'RecordFailure' },
    ]);
  });

  it('sends onError continue and goto to the right state', () => {
    const raw = threeStepRecipe('http://dir.example');
    Object.assign(raw.steps[0]!, { onError: 'continue' });
    Object.assign(raw.steps[1]!, { onError: { goto: 'fit' } });
    const states = compileRecipe(validateRecipe(raw), options).States;
    expect((states.company!.Catch as unknown[])[0]).toMatchObject({
      Next: 'analysis',
      ResultPath: '$.steps.company.error',
    });
    expect((states.analysis!.Catch as unknown[])[0]).toMatchObject({ Next: 'fit' });
  });

  it('picks Express for short recipes and Standard for waits or explicit standard mode', () => {
    expect(chooseEngine(recipe())).toBe('EXPRESS');
    expect(chooseEngine({ ...recipe(), mode: 'standard' })).toBe('STANDARD');
    const waiting = validateRecipe({ name: 'pause', steps: [{ id: 'pause', type: 'wait', seconds: 5 }] });
    expect(chooseEngine(waiting)).toBe('STANDARD');
    expect(compileRecipe(waiting, options).States.pause).toEqual({
      Type: 'Wait',
      Seconds: 5,
      Next: 'Finalize',
    });
  });
});

/** The states a run goes through when every step succeeds (a Choice takes its Default). */
function successPath(asl: { StartAt: string; States: Record<string, Record<string, unknown>> }): string[] {
  const path: string[] = [];
  let name: string | undefined = asl.StartAt;
  while (name) {
    path.push(name);
    name = (asl.States[name]?.Next ?? asl.States[name]?.Default) as string | undefined;
  }
  return path;
}

describe('fused steps', () => {
  it('prices, fuses and compiles steps by the registry’s own rules, also where the registry is not bundled', () => {
    const facts = (d: Partial<StepTypeDefinition>) => ({
      kind: d.kind,
      defaults: d.defaults,
      price: d.price,
      fusable: d.fusable,
      pauses: d.pauses,
      worstCaseSeconds: d.worstCaseSeconds,
    });
    const runtimes = Object.entries(stepRuntimes).map(([type, runtime]) => [
      type,
      { ...facts(runtime), compile: stepCompilerOf(type) },
    ]);
    const registry = stepTypeNames.map((type) => {
      const definition = stepTypes[type] as StepTypeDefinition;
      return [type, { ...facts(definition), compile: definition.compile }];
    });
    expect(Object.fromEntries(runtimes)).toEqual(Object.fromEntries(registry));
  });

  const pure = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'transform',
    source: '{{input}}',
    ops: [],
    ...extra,
  });
  const call = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'http',
    method: 'GET',
    url: 'https://api.example/x',
    ...extra,
  });
  const compile = (steps: unknown[]) => compileRecipe(validateRecipe({ name: 'f', steps }), options);
  const groupIds = (state: Record<string, unknown> | undefined) =>
    (state ? (groupOf(state) ?? []) : []).map((s) => s.id);

  it('runs the 3-step reference (transform, transform, score) and Finalize as one Task: one transition', () => {
    const asl = compile([
      pure('a'),
      pure('b', { source: '{{steps.a.output}}' }),
      { id: 'c', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }] },
    ]);
    expect(Object.keys(asl.States)).toEqual(['a', 'RecordFailure', 'Failed']);
    expect(groupIds(asl.States.a)).toEqual(['a', 'b', 'c']);
    expect(asl.States.a).toMatchObject({ TimeoutSeconds: 30, End: true });
    expect(asl.States.a!.Catch).toEqual([
      { ErrorEquals: ['RunSettled'], ResultPath: null, Next: 'Failed' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failures.a', Next: 'RecordFailure' },
    ]);
    expect(validateAsl(asl).errors).toEqual([]);
  });

  it('anchors fusable steps on one other task step, which keeps its own retry policy and function', () => {
    const retry = { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, jitter: 'none' };
    const asl = compile([pure('p'), call('x', { retry }), pure('q'), call('y'), pure('z')]);
    expect(successPath(asl)).toEqual(['p', 'y', 'z']);
    expect(groupIds(asl.States.p)).toEqual(['p', 'x', 'q']);
    expect((asl.States.p!.Parameters as { FunctionName: string }).FunctionName).toBe(
      options.componentArn('http'),
    );
    expect((asl.States.p!.Retry as unknown[])[1]).toMatchObject({
      ErrorEquals: ['StepFailed', 'States.Timeout'],
    });
    // What escapes the group is the anchor's failure: it is named after the anchor.
    expect((asl.States.p!.Catch as Array<{ ResultPath: string }>)[1]!.ResultPath).toBe('$.failures.x');
    expect(asl.States.y).toMatchObject({ ResultPath: '$.steps.y', Next: 'z' });
    expect(groupIds(asl.States.z)).toEqual(['z']);
    expect(validateAsl(asl).errors).toEqual([]);
  });

  it('keeps apart what needs a state: a retry policy, an onError goto, a side effect after a side effect, a jump target', () => {
    const retry = { maxAttempts: 2, intervalSeconds: 1, backoffRate: 2, jitter: 'none' };
    const asl = compile([
      pure('a', { retry }),
      pure('b', { onError: { goto: 'd' } }),
      { id: 'c', type: 'state', op: 'put', key: 'k', value: 1 },
      pure('d'),
      call('e', { onError: 'continue' }),
      pure('f'),
    ]);
    // d is a goto target, so it starts a state; e's onError continue makes it a step of its own.
    expect(successPath(asl)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      expect(asl.States[id], id).toMatchObject({ ResultPath: `$.steps.${id}` });
    expect(groupIds(asl.States.f)).toEqual(['f']);
    expect(validateAsl(asl).errors).toEqual([]);
  });

  it('ends a group at its anchor inside a map, and never settles there', () => {
    const asl = compile([
      {
        id: 'each',
        type: 'map',
        items: '{{input.rows}}',
        maxItems: 10,
        steps: [pure('p'), call('x'), pure('q')],
      },
    ]);
    const inner = (
      asl.States.Inline_each!.ItemProcessor as { States: Record<string, Record<string, unknown>> }
    ).States;
    expect(groupIds(inner.p)).toEqual(['p', 'x']);
    expect(inner.q).toMatchObject({ ResultPath: '$.steps.q', Next: 'Done_each' });
    expect((inner.p!.Parameters as { Payload: Record<string, unknown> }).Payload.settles).toBeUndefined();
    expect(inner.p!.Catch).toBeUndefined();
    expect(validateAsl(asl).errors).toEqual([]);
  });

  it('resumes a redrive inside a group at the group, skipping the steps already done', () => {
    const asl = compileRecipe(
      validateRecipe({ name: 'f', steps: [call('x'), pure('p'), call('y')] }),
      options,
    );
    expect(groupIds(asl.States.x)).toEqual(['x', 'p']);
    const resumed = resumeFrom(asl, 'p');
    expect(resumed.StartAt).toBe('x');
    expect(resumed.States.x!.Parameters).toMatchObject({ Payload: { skipDone: true } });
    expect(asl.States.x!.Parameters).not.toMatchObject({ Payload: { skipDone: true } });
  });

  it('takes fewer transitions than one per step plus Finalize for every built-in recipe', () => {
    for (const { definition } of builtinRecipes()) {
      const path = successPath(compileRecipe(definition, options));
      expect(path.length, definition.name).toBeLessThan(definition.steps.length + 1);
    }
  });
});

describe('branch and map', () => {
  const flow = () =>
    validateRecipe({
      name: 'flow',
      steps: [
        { id: 'list', type: 'transform', source: '{{input.companies}}', ops: [] },
        {
          id: 'route',
          type: 'branch',
          cases: [
            { when: { path: 'input.mode', op: 'eq', value: 'skip' }, goto: 'end' },
            {
              when: {
                all: [
                  { path: 'input.size', op: 'gte', value: 10 },
                  { path: 'input.tags', op: 'in', value: ['a', 'b'] },
                ],
              },
              goto: 'each',
            },
          ],
          default: 'each',
        },
        {
          id: 'each',
          type: 'map',
          items: '{{steps.list.output}}',
          maxConcurrency: 2,
          steps: [
            {
              id: 'shape',
              type: 'transform',
              source: { name: '{{item.name}}', at: '{{execution.id}}' },
              ops: [],
            },
          ],
        },
      ],
    });

  it('compiles branch to a guarded Choice and map to a Map with the item beside the run state', () => {
    const asl = compileRecipe(flow(), options);
    expect(validateAsl(asl).errors).toEqual([]);
    expect(asl.States.route).toMatchObject({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.input.mode', IsPresent: true },
            { Variable: '$.input.mode', StringEquals: 'skip' },
          ],
          Next: 'Finalize',
        },
        expect.objectContaining({ Next: 'each' }),
      ],
      Default: 'each',
    });
    // Items that may travel by reference choose their path: inline, or read from S3 by a Distributed Map.
    expect(asl.States.each).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.steps.list.output.bytes', IsPresent: true, Next: 'Prepare_each' }],
      Default: 'Inline_each',
    });
    expect(asl.States.Prepare_each).toMatchObject({ Next: 'Read_each', ResultPath: '$.steps.each' });
    expect(asl.States.Map_each_json).toMatchObject({
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
      Next: 'Collect_each',
    });
    expect(asl.States.Collect_each).toMatchObject({ ResultPath: '$.steps.each', Next: 'Finalize' });
    expect(asl.States.Inline_each).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.steps.list.output',
      MaxConcurrency: 2,
      ItemSelector: expect.objectContaining({ 'item.$': '$$.Map.Item.Value' }),
      ResultPath: '$.steps.each.output',
      ItemProcessor: {
        StartAt: 'shape',
        States: { Done_each: { Type: 'Pass', OutputPath: '$.steps.shape.output', End: true } },
      },
    });
  });

  it('refuses what a Choice cannot express and backward jumps', () => {
    const raw = {
      name: 'bad',
      steps: [
        { id: 'a', type: 'transform', source: 1, ops: [] },
        {
          id: 'b',
          type: 'branch',
          cases: [{ when: { path: 'input.x', op: 'matches', value: '^a' }, goto: 'a' }],
        },
      ],
    };
    expect(() => validateRecipe(raw)).toThrow();
    try {
      validateRecipe(raw);
    } catch (error) {
      const paths = (error as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['steps[1].cases[0].when', 'steps[1].cases[0].goto']));
    }
  });
});
