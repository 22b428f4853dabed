import { afterAll, describe, expect, it, vi } from 'vitest';

// Published, not disabled as locally: what the cloud's functions print.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
const { countBy, measureBy, MetricUnit } = await import('../../shared/observability/metrics');

describe('metrics with a dimension of their own', () => {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  afterAll(() => write.mockRestore());

  it('publishes each at once with its own dimension only, however many are published', () => {
    countBy('RunsStarted', 'trigger', 'api');
    measureBy('StepDuration', MetricUnit.Milliseconds, 12, 'stepType', 'transform');
    countBy('RunsStarted', 'trigger', 'schedule', 2);
    const lines = printed.map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    const [first, second, third] = lines;
    expect(first).toMatchObject({ RunsStarted: 1, trigger: 'api', service: expect.any(String) });
    expect(first._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Recipeflow',
      Dimensions: [['service', 'trigger']],
    });
    expect(second).toMatchObject({ StepDuration: 12, stepType: 'transform' });
    expect(second).not.toHaveProperty('trigger');
    expect(second).not.toHaveProperty('RunsStarted');
    expect(third).toMatchObject({ RunsStarted: 2, trigger: 'schedule' });
    expect(third).not.toHaveProperty('stepType');
    expect(third).not.toHaveProperty('StepDuration');
  });
});
