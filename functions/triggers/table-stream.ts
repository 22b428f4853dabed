// The table's stream consumer: appends audit events to each tenant's hash chain — from audit intents, and from
// runs' execution records as they start and end — batched per tenant (a block of events per tenant per batch),
// and archives the new audit events to the audit bucket, one object per tenant per batch. Reports the first
// failed record so the batch resumes there (appending is idempotent; an archive written again is the same
// events again). Queued runs are admitted by the stream's other consumer (admission.ts).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { archiveAuditEvents } from '../../shared/audit/archive';
import {
  type AuditEvent,
  appendAuditEvents,
  auditEventsOfItem,
  auditOfExecutionChange,
  type PendingAudit,
  pendingOfIntent,
} from '../../shared/audit/audit-log';
import { tenantOfKey } from '../../shared/data/keys';
import { resumeAtFirstFailure } from '../../shared/data/stream-batch';
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
    // Audit events to append, and chained events to archive, each with the record it came from.
    const toAppend: Array<{ tenantId: string; pending: PendingAudit; record: DynamoDBRecord }> = [];
    const toArchive: Array<{ event: AuditEvent; record: DynamoDBRecord }> = [];
    for (const record of event.Records) {
      const after = image(record.dynamodb?.NewImage);
      if (!after) continue;
      const pk = String(after.PK);
      if (record.eventName === 'INSERT' && pk.endsWith('#AUDIT')) {
        for (const chained of auditEventsOfItem(after)) toArchive.push({ event: chained, record });
        continue;
      }
      const pending =
        record.eventName === 'INSERT' && pk.endsWith('#AUDITQ')
          ? pendingOfIntent(after)
          : auditOfExecutionChange(record.eventName, image(record.dynamodb?.OldImage), after);
      if (pending) toAppend.push({ tenantId: String(after.tenantId ?? tenantOfKey(pk)), pending, record });
    }
    // Per tenant, in stream order.
    const byTenant = Map.groupBy(toAppend, (item) => item.tenantId);
    const archives = Map.groupBy(toArchive, (item) => item.event.tenantId);
    // Per tenant: chain its pending audit events, then archive the chained ones. A failure marks the first
    // record that asked for the work.
    const failed: DynamoDBRecord[] = [];
    const attempt = async (
      what: string,
      tenantId: string,
      record: DynamoDBRecord,
      work: () => Promise<unknown>,
    ) => {
      try {
        await work();
      } catch (error) {
        logger.error(`${what} failed`, { tenantId, errorType: (error as Error).name });
        failed.push(record);
      }
    };
    for (const [tenantId, items] of byTenant) {
      const pending = items.map((item) => item.pending);
      await attempt('audit append', tenantId, items[0]!.record, () =>
        appendAuditEvents(deps, tenantId, pending),
      );
    }
    for (const [tenantId, items] of archives) {
      const events = items.map((item) => item.event);
      await attempt('audit archive', tenantId, items[0]!.record, () =>
        archiveAuditEvents(deps, tenantId, events),
      );
    }
    return resumeAtFirstFailure(failed);
  });
