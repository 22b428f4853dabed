import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config';
import { openAccountIfMissing } from '../../shared/credits/credits';
import { listExecutions } from '../../shared/executions/execution-repository';
import { createRecipe } from '../../shared/recipes/recipes';
import { schedulerPort } from '../../shared/schedules/scheduler-port';
import { createSchedule, deleteSchedule, getSchedule, runScheduled } from '../../shared/schedules/schedules';
import { changeTenant } from '../../shared/tenants/tenant-admin';
import { putTenantIfMissing } from '../../shared/tenants/tenant-repository';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

describe('scheduled starts', () => {
  it('start once per scheduled time, however often the time is delivered', async () => {
    const { deps } = stack;
    await openAccountIfMissing(deps, 'ten_sched', 'enterprise');
    const recipe = await createRecipe(deps, 'ten_sched', {
      name: 'r',
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    const schedule = await createSchedule(deps, schedulerPort(deps.config), 'ten_sched', recipe.id, {
      expression: 'rate(5 minutes)',
      timezone: 'UTC',
      input: {},
    });
    const event = {
      tenantId: 'ten_sched',
      scheduleId: schedule.id,
      scheduledTime: '2026-11-25T10:00:00.000Z',
    };
    const results = await Promise.all([
      runScheduled(deps, event),
      runScheduled(deps, event),
      runScheduled(deps, event),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await runScheduled(deps, { ...event, scheduledTime: '2026-11-25T10:05:00.000Z' });
    await stack.idle();
    const runs = await listExecutions(deps, 'ten_sched', { recipeId: recipe.id });
    expect(runs.items.map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
  });

  it('skips the runs of a suspended tenant with the reason on the schedule, and starts again once reactivated', async () => {
    const { deps } = stack;
    const tenantId = 'ten_sched_suspended';
    await putTenantIfMissing(deps, { id: tenantId, name: 's', plan: 'pro', status: 'active', createdAt: '' });
    await openAccountIfMissing(deps, tenantId, 'pro');
    const recipe = await createRecipe(deps, tenantId, {
      name: 'r',
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    const schedule = await createSchedule(deps, schedulerPort(deps.config), tenantId, recipe.id, {
      expression: 'rate(5 minutes)',
      timezone: 'UTC',
      input: {},
    });
    const operator = { tenantId: 'platform', role: 'platform', keyId: 'test' } as const;
    await changeTenant(deps, tenantId, { status: 'suspended', reason: 'unpaid' }, operator);
    const at = (minute: string) => ({
      tenantId,
      scheduleId: schedule.id,
      scheduledTime: `2026-11-25T10:${minute}:00.000Z`,
    });
    expect(await runScheduled(deps, at('00'))).toBeNull();
    expect((await getSchedule(deps, tenantId, schedule.id)).lastSkipped).toEqual({
      scheduledTime: '2026-11-25T10:00:00.000Z',
      reason: expect.stringContaining('suspended'),
    });
    expect((await listExecutions(deps, tenantId, { recipeId: recipe.id })).items).toEqual([]);
    await changeTenant(deps, tenantId, { status: 'active' }, operator);
    expect(await runScheduled(deps, at('05'))).toMatchObject({ trigger: 'schedule' });
    await stack.idle();
  });

  it('arms each schedule in the Scheduler emulator on create and disarms it on delete, as in the cloud', async () => {
    const { deps } = stack;
    await openAccountIfMissing(deps, 'ten_sched_port', 'pro');
    const recipe = await createRecipe(deps, 'ten_sched_port', {
      name: 'r',
      steps: [{ id: 'a', type: 'transform', source: 1, ops: [] }],
    });
    const port = schedulerPort(deps.config);
    const schedule = await createSchedule(deps, port, 'ten_sched_port', recipe.id, {
      expression: 'cron(0 9 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      input: {},
    });
    expect(stack.scheduler.armed()).toContainEqual(
      expect.objectContaining({
        name: `ten_sched_port-${schedule.id}`,
        group: 'recipeflow',
        expression: 'cron(0 9 ? * MON-FRI *)',
        timezone: 'Europe/Berlin',
        target: expect.objectContaining({ Arn: deps.config.SCHEDULE_TARGET_ARN }),
      }),
    );
    await deleteSchedule(deps, port, 'ten_sched_port', schedule.id);
    expect(stack.scheduler.armed().map((s) => s.name)).not.toContain(`ten_sched_port-${schedule.id}`);
  });

  it('needs the Scheduler settings in the cloud instead of silently arming nothing', () => {
    expect(() =>
      schedulerPort(loadConfig({ RECIPEFLOW_RUNTIME: 'cloud', AWS_REGION: 'us-east-1', TABLE_NAME: 'abc' })),
    ).toThrow('SCHEDULE_GROUP, SCHEDULE_TARGET_ARN, SCHEDULER_ROLE_ARN are not set');
  });

  it('mirrors each schedule to EventBridge Scheduler in the cloud (no emulator: aws-sdk-client-mock)', async () => {
    const mock = mockClient(SchedulerClient).on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:sched' });
    const port = schedulerPort(
      loadConfig({
        RECIPEFLOW_RUNTIME: 'cloud',
        AWS_REGION: 'us-east-1',
        TABLE_NAME: 'recipeflow',
        SCHEDULE_GROUP: 'recipeflow',
        SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:1:function:schedule',
        SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/scheduler',
        SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:1:dlq',
      }),
      new SchedulerClient({ region: 'us-east-1' }),
    );
    await port.put('ten_x', {
      id: 'sch_1',
      recipeId: 'rcp_1',
      expression: 'cron(0 9 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      input: {},
      createdAt: '',
    });
    expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toMatchObject({
      Name: 'ten_x-sch_1',
      GroupName: 'recipeflow',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:1:function:schedule',
        Input: JSON.stringify({
          tenantId: 'ten_x',
          scheduleId: 'sch_1',
          scheduledTime: '<aws.scheduler.scheduled-time>',
        }),
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:1:dlq' },
      },
    });
    mock.restore();
  });
});
