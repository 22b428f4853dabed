// Copies chained audit events to the audit bucket (Object Lock in the cloud): one JSON Lines object per tenant
// per stream batch, named by the first and last sequence number it holds. A batch delivered again writes its
// events again (possibly under another range); every line carries its seq and hash, so a reader keeps one of each.
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import type { Deps } from '../deps';
import type { AuditEvent } from './audit-log';

/**
 * How long the table stream's mapping gathers records before it invokes the audit consumer (its
 * MaximumBatchingWindowInSeconds; the local runtime's too). The audit archive writes one object per tenant per
 * batch, so under steady traffic a tenant's runs share one S3 PUT per window instead of paying one or two
 * each; a run's audit events are chained up to one window after it starts or ends, and archived one window
 * later. 0 invokes at once.
 */
export const AUDIT_BATCHING_WINDOW_SECONDS = 10;

const seqPart = (seq: number) => String(seq).padStart(12, '0');

/** Where the events of one tenant, in chain order, are archived together. */
export function archiveKey(tenantId: string, events: ReadonlyArray<Pick<AuditEvent, 'seq'>>): string {
  return `tenants/${tenantId}/audit/${seqPart(events[0]!.seq)}-${seqPart(events.at(-1)!.seq)}.jsonl`;
}

export async function archiveAuditEvents(deps: Deps, tenantId: string, events: AuditEvent[]): Promise<void> {
  const inOrder = [...events].sort((a, b) => a.seq - b.seq);
  const lines = inOrder.map((event) => {
    const { PK: _pk, SK: _sk, ...clean } = event as AuditEvent & { PK?: string; SK?: string };
    return `${JSON.stringify(clean)}\n`;
  });
  const s3 = await s3Of(deps);
  await s3.client.send(
    new s3.PutObjectCommand({
      Bucket: setting(deps.config, 'AUDIT_BUCKET'),
      Key: archiveKey(tenantId, inOrder),
      Body: lines.join(''),
      ContentType: 'application/x-ndjson',
    }),
  );
}
