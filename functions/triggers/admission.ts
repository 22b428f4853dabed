// The admitter: a second consumer of the table's stream that sees only account items with runs waiting (the
// event source mapping filters on SK = ACCOUNT and `queued` not 0, so nothing else invokes it). When a
// tenant's account shows queued runs and a free slot — a run ended, a run was queued, the plan grew — it
// starts the tenant's oldest queued runs. Apart from the audit consumer, so admission never waits behind a
// backlog of audit work. Reports the first failed record so the batch resumes there (admitting is
// conditional on each queue entry).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Account } from '../../shared/credits/credits';
import { ACCOUNT_SORT_KEY, tenantOfKey } from '../../shared/data/keys';
import { resumeAtFirstFailure } from '../../shared/data/stream-batch';
import { getDeps } from '../../shared/deps';
import { admitQueued, canAdmit } from '../../shared/executions/admission';
import { checkFunctionSettings } from '../../shared/function-settings';
import { logger, observed } from '../../shared/observability/observability';

checkFunctionSettings('triggers/admission');

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observed())
  .handler(async (event) => {
    const deps = getDeps();
    // Tenants to admit for, each with the first record that asked.
    const toAdmit = new Map<string, DynamoDBRecord>();
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (!image) continue;
      const account = unmarshall(image as never) as Account & { PK: string; SK: string };
      if (account.SK !== ACCOUNT_SORT_KEY || !canAdmit(account)) continue;
      const tenantId = tenantOfKey(account.PK);
      if (!toAdmit.has(tenantId)) toAdmit.set(tenantId, record);
    }
    const failed: DynamoDBRecord[] = [];
    for (const [tenantId, record] of toAdmit) {
      try {
        await admitQueued(deps, tenantId);
      } catch (error) {
        logger.error('admission failed', { tenantId, errorType: (error as Error).name });
        failed.push(record);
      }
    }
    return resumeAtFirstFailure(failed);
  });
