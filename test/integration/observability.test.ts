// What a handler tells operators: EMF metrics by step type (low-cardinality dimensions only) and structured
// log lines that carry the tenant, execution and step ids, never a secret or a body.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
const printed: string[] = [];
const write = process.stdout.write.bind(process.stdout);
const writeError = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  // Metrics are printed locally only when asked for; INFO shows the run lines.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.LOG_LEVEL = 'INFO';
  stack = await startLocalStack();
  // Powertools writes INFO and metrics to stdout, WARN and ERROR to stderr.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    printed.push(String(chunk));
    return writeError(chunk, ...rest);
  }) as typeof process.stderr.write;
});
afterAll(async () => {
  process.stdout.write = write;
  process.stderr.write = writeError;
  await stack.stop();
});

function lines() {
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('observability', () => {
  it('publishes step latency and failures by step type, and logs with the run’s ids and no secret', async () => {
    const { handler } = await import('../../shared/steps/transform/handler');
    const event = JSON.parse(readFileSync('events/component-transform.json', 'utf8'));
    await handler(event, { awsRequestId: 'req-1', functionName: 'recipeflow-transform' } as never);
    const failing = {
      ...event,
      step: { ...event.step, id: 'broken', source: '{{input.secretToken}}', ops: [{ op: 'sort', by: 'x' }] },
      state: { ...event.state, input: { secretToken: 'sk-live-do-not-log', leads: 1 } },
    };
    await expect(handler(failing, { awsRequestId: 'req-2' } as never)).rejects.toThrow();

    const emf = lines().filter((line) => '_aws' in line);
    const latency = emf.find((line) => 'StepLatency' in line && line.stepType === 'transform');
    expect(latency).toMatchObject({ service: 'recipeflow', stepType: 'transform' });
    const dimensions = (
      latency!._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }
    ).CloudWatchMetrics[0]!.Dimensions.flat();
    expect(dimensions.sort()).toEqual(['service', 'stepType']);
    expect(emf.some((line) => line.StepFailures === 1 && line.stepType === 'transform')).toBe(true);

    const warning = lines().find((line) => line.message === 'step failed');
    expect(warning).toMatchObject({ tenantId: 'ten_demo', executionId: 'exe_sample', stepId: 'broken' });
    expect(printed.join('')).not.toContain('sk-live-do-not-log');
  });
});
