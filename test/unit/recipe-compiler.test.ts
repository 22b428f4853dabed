import validateAsl from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { builtinRecipes } from '../../shared/recipes/builtin-recipes';
import { chooseEngine, compileRecipe, stateMachineName } from '../../shared/recipes/recipe-compiler';
import { validateRecipe } from '../../shared/recipes/recipe-validation';
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
    for (const definition of [recipe(), ...builtinRecipes.map((r) => r.definition)]) {
      const { isValid, errors } = validateAsl(compileRecipe(definition, options));
      expect(errors).toEqual([]);
      expect(isValid).toBe(true);
    }
  });

  it('chains the steps and ends with one Finalize state, so a run takes steps + 1 transitions', () => {
    const asl = compileRecipe(recipe(), options);
    expect(asl.StartAt).toBe('company');
    const path: string[] = [];
    let name: string | undefined = asl.StartAt;
    while (name) {
      path.push(name);
      name = asl.States[name]?.Next as string | undefined;
    }
    expect(path).toEqual(['company', 'analysis', 'fit', 'Finalize']);
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
    expect(asl.States.each).toMatchObject({
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
