// The table's stream consumer: chains new audit intents into the per-tenant hash chain, and archives each new
// audit event to the audit bucket. Reports the first failed record so the batch resumes there.

import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { archiveAuditEvent } from '../../shared/audit/archive';
import { type AuditEvent, chainAuditIntent } from '../../shared/audit/audit-log';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { logger, observed } from '../../shared/observability/observability';

checkFunctionSettings('triggers/table-stream');

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observed())
  .handler(async (event) => {
    const deps = getDeps();
    for (const record of event.Records) {
      try {
        if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
        const item = unmarshall(record.dynamodb.NewImage as never) as Record<string, unknown>;
        const pk = String(item.PK);
        if (pk.endsWith('#AUDITQ')) await chainAuditIntent(deps, item);
        else if (pk.endsWith('#AUDIT')) await archiveAuditEvent(deps, item as unknown as AuditEvent);
      } catch (error) {
        logger.error('stream record failed', { errorType: (error as Error).name });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  });
