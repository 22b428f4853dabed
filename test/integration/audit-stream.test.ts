// A run's audit events come from its execution record's changes on the table's stream: no intent, no head
// item, each change appended once however often the stream delivers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendAuditEvents,
  auditOfExecutionChange,
  listAuditEvents,
  verifyAuditChain,
} from '../../shared/audit/audit-log';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

const record = (status: string) => ({
  PK: 'TENANT#ten_s#EXEC',
  SK: 'exe_1',
  id: 'exe_1',
  status,
  startedBy: 'key_1',
  startedByRole: 'operator',
  createdAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:00:01.000Z',
});

describe('audit events of a run, from its record', () => {
  it('reads a start from the insert and an end from the change to a final status, nothing else', () => {
    expect(auditOfExecutionChange('INSERT', undefined, record('running'))).toMatchObject({
      entry: { actor: 'key_1', role: 'operator', action: 'execution.queued', resource: { id: 'exe_1' } },
      source: 'exe_1:queued',
    });
    expect(auditOfExecutionChange('MODIFY', record('running'), record('failed'))).toMatchObject({
      entry: { actor: 'system:workflow', action: 'execution.failed', result: 'failure' },
      at: '2026-11-26T10:00:01.000Z',
    });
    expect(auditOfExecutionChange('MODIFY', record('running'), record('waiting_review'))).toBeNull();
    expect(auditOfExecutionChange('MODIFY', record('failed'), record('failed'))).toBeNull();
    expect(
      auditOfExecutionChange('INSERT', undefined, { ...record('running'), PK: 'TENANT#ten_s' }),
    ).toBeNull();
  });

  it('appends each change once however often it is delivered, and the chain verifies', async () => {
    const start = auditOfExecutionChange('INSERT', undefined, record('running'))!;
    const end = auditOfExecutionChange('MODIFY', record('running'), record('succeeded'))!;
    await appendAuditEvents(stack.deps, 'ten_s', [start, end]);
    await appendAuditEvents(stack.deps, 'ten_s', [start, end]); // the batch again, as a retry delivers it
    await Promise.all([
      appendAuditEvents(stack.deps, 'ten_s', [end]),
      appendAuditEvents(stack.deps, 'ten_s', [end]),
    ]);
    const events = (await listAuditEvents(stack.deps, 'ten_s', { limit: 10 })).items;
    expect(events.map((e) => e.action)).toEqual(['execution.succeeded', 'execution.queued']);
    expect(await verifyAuditChain(stack.deps, 'ten_s')).toMatchObject({ valid: true, events: 2 });
  });
});
