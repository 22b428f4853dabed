// The table's stream consumer: appends audit events to each tenant's hash chain — from audit intents, and from
// runs' execution records as they start and end — batched per tenant, and archives each new audit event to the
// audit bucket. Reports the first failed record so the batch resumes there (appending is idempotent).

import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { archiveAuditEvent } from '../../shared/audit/archive';
import {
  type AuditEvent,
  appendAuditEvents,
  auditOfExecutionChange,
  type PendingAudit,
  pendingOfIntent,
} from '../../shared/audit/audit-log';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { logger, observed } from '../../shared/observability/observability';

checkFunctionSettings('triggers/table-stream');

const image = (value: unknown) =>
  value ? (unmarshall(value as never) as Record<string, unknown>) : undefined;

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observed())
  .handler(async (event) => {
    const deps = getDeps();
    // Audit events to append, per tenant in stream order, each with the record it came from.
    const byTenant = new Map<string, Array<{ pending: PendingAudit; record: DynamoDBRecord }>>();
    const archives: Array<{ event: AuditEvent; record: DynamoDBRecord }> = [];
    for (const record of event.Records) {
      const after = image(record.dynamodb?.NewImage);
      if (!after) continue;
      const pk = String(after.PK);
      let pending: PendingAudit | null = null;
      if (record.eventName === 'INSERT' && pk.endsWith('#AUDITQ')) pending = pendingOfIntent(after);
      else if (record.eventName === 'INSERT' && pk.endsWith('#AUDIT'))
        archives.push({ event: after as unknown as AuditEvent, record });
      else pending = auditOfExecutionChange(record.eventName, image(record.dynamodb?.OldImage), after);
      if (!pending) continue;
      const tenantId = String(after.tenantId ?? pk.split('#')[1]);
      const items = byTenant.get(tenantId) ?? [];
      items.push({ pending, record });
      byTenant.set(tenantId, items);
    }
    const failed: DynamoDBRecord[] = [];
    for (const [tenantId, items] of byTenant) {
      try {
        await appendAuditEvents(
          deps,
          tenantId,
          items.map((item) => item.pending),
        );
      } catch (error) {
        logger.error('audit append failed', { tenantId, errorType: (error as Error).name });
        failed.push(items[0]!.record);
      }
    }
    for (const { event: auditEvent, record } of archives) {
      try {
        await archiveAuditEvent(deps, auditEvent);
      } catch (error) {
        logger.error('audit archive failed', { errorType: (error as Error).name });
        failed.push(record);
      }
    }
    // The batch resumes at the earliest record that failed; what is redone is skipped as already done.
    const first = failed
      .map((record) => record.dynamodb?.SequenceNumber ?? '')
      .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
    return { batchItemFailures: first === undefined ? [] : [{ itemIdentifier: first }] };
  });
