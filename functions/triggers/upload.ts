// The uploads queue consumer (S3 event notifications → SQS → here): each message's created artifact objects
// start their trigger's recipe. Powertools batch processing reports failed messages only, so SQS redelivers
// just those and, after maxReceiveCount, moves them to the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { getDeps } from '../../shared/deps';
import { checkFunctionSettings } from '../../shared/function-settings';
import { logger, observed } from '../../shared/observability/observability';
import { objectsCreated, startFromUpload } from '../../shared/triggers/uploads';

checkFunctionSettings('triggers/upload');

const processor = new BatchProcessor(EventType.SQS);

async function processMessage(record: SQSRecord): Promise<void> {
  let notification: unknown;
  try {
    notification = JSON.parse(record.body);
  } catch {
    return; // not an S3 event notification; nothing to start, and no retry would change that
  }
  for (const object of objectsCreated(notification)) {
    try {
      await startFromUpload(getDeps(), object);
    } catch (error) {
      logger.error('upload trigger failed; the message will be delivered again', {
        messageId: record.messageId,
        errorType: (error as Error).name,
      });
      throw error;
    }
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(observed())
  .handler((event, context) => processPartialResponse(event, processMessage, processor, { context }));
