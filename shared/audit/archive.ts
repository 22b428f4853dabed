// Copies each chained audit event to the audit bucket (Object Lock in the cloud), one object per event.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Of } from '../clients/s3';
import { setting } from '../config';
import type { Deps } from '../deps';
import type { AuditEvent } from './audit-log';

export function archiveKey(event: Pick<AuditEvent, 'tenantId' | 'seq'>): string {
  return `tenants/${event.tenantId}/audit/${String(event.seq).padStart(12, '0')}.json`;
}

export async function archiveAuditEvent(deps: Deps, event: AuditEvent): Promise<void> {
  const { PK: _pk, SK: _sk, ...clean } = event as AuditEvent & { PK?: string; SK?: string };
  await s3Of(deps).send(
    new PutObjectCommand({
      Bucket: setting(deps.config, 'AUDIT_BUCKET'),
      Key: archiveKey(event),
      Body: JSON.stringify(clean),
      ContentType: 'application/json',
    }),
  );
}
