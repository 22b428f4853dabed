import validateAsl from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { contextObject, lambdaTasks, taskOverrides } from '../../infra/local/lambda-emulation';
import { loadConfig } from '../../shared/config';
import { builtinRecipes } from '../../shared/recipes/builtin-recipes';
import { compileRecipe } from '../../shared/recipes/recipe-compiler';
import { componentArn } from '../../shared/recipes/state-machines';

// The same compile call the CDK stack and the API make.
const asl = compileRecipe(builtinRecipes()[1]!.definition, {
  componentArn: componentArn({ config: loadConfig({ RECIPEFLOW_RUNTIME: 'local' }) }),
});

function context() {
  return contextObject({
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e1',
    name: 'e1',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
    stateMachineName: 'm',
    startTime: new Date().toISOString(),
    executionInput: {},
  });
}

describe('lambda:invoke emulation over the deployed ASL', () => {
  it('finds every Lambda task of the definition', () => {
    expect(validateAsl(asl).isValid).toBe(true);
    expect(lambdaTasks(asl.States).map((t) => t.name)).toEqual([
      'company',
      'analysis',
      'fit',
      'RecordFailure',
    ]);
  });

  it('wraps results in the invoke envelope, counts attempts and shapes errors like Lambda', async () => {
    const calls: Array<{ fn: string; attempt: unknown }> = [];
    const invoke = async (fn: string, payload: unknown) => {
      const { attempt, step } = payload as { attempt?: number; step?: { id: string } };
      calls.push({ fn, attempt });
      if (step?.id === 'company' && attempt === 0)
        throw Object.assign(new Error('busy'), { name: 'StepFailed' });
      // The last step, a score, is fused with Finalize: the group's function ends the run.
      if (fn.endsWith('finalize')) return { done: true };
      return { output: { ok: step?.id } };
    };
    const machine = new StateMachine(asl as never);
    const execution = machine.run({ steps: {} } as never, {
      overrides: {
        taskResourceLocalHandlers: taskOverrides(asl.States, invoke) as never,
        retryIntervalOverrides: { company: 0 },
      },
      context: context() as never,
    });
    expect(await execution.result).toEqual({ done: true });

    expect(calls.filter((c) => c.fn.endsWith('http')).map((c) => c.attempt)).toEqual([0, 1]);
    expect(calls.map((c) => c.fn.split('-').at(-1))).toEqual(['http', 'http', 'ai', 'finalize']);
  });

  it('hands a failure to RecordFailure with a Lambda-shaped cause', async () => {
    let failure: unknown;
    const invoke = async (fn: string, payload: unknown) => {
      const { step, state } = payload as { step?: { id: string }; state: { failures?: unknown } };
      if (step?.id === 'company') throw Object.assign(new Error('nope'), { name: 'StepRejected' });
      failure = state.failures;
      return null;
    };
    const machine = new StateMachine(asl as never);
    const execution = machine.run({ steps: {}, failures: {} } as never, {
      overrides: { taskResourceLocalHandlers: taskOverrides(asl.States, invoke) as never },
      context: context() as never,
    });
    await expect(execution.result).rejects.toMatchObject({ cause: { name: 'RecipeFailed' } });
    expect(failure).toEqual({
      company: {
        Error: 'StepRejected',
        Cause: JSON.stringify({ errorType: 'StepRejected', errorMessage: 'nope', trace: [] }),
      },
    });
  });
});
