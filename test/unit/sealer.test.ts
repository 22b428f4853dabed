import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { kmsSealer } from '../../shared/credentials/kms-sealer';
import { localKeySealer, sealerOf } from '../../shared/credentials/sealer';
import type { Deps } from '../../shared/deps';

const context = { tenantId: 'ten_a', credential: 'openai' };

describe('local key sealer', () => {
  it('round-trips, keeps the key file private, and refuses another context', async () => {
    const keyFile = path.join(mkdtempSync(path.join(tmpdir(), 'sealer-')), 'credentials.key');
    const sealer = localKeySealer(keyFile);
    const sealed = await sealer.seal('sk-secret-value', context);
    expect(JSON.stringify(sealed)).not.toContain('sk-secret-value');
    expect(await sealer.open(sealed, context)).toBe('sk-secret-value');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await expect(sealer.open(sealed, { ...context, tenantId: 'ten_b' })).rejects.toThrow();
    expect(await localKeySealer(keyFile).open(sealed, context)).toBe('sk-secret-value'); // survives a restart
  });
});

describe('KMS envelope sealer (KMS has no local emulator: aws-sdk-client-mock)', () => {
  it('asks KMS for a data key with the encryption context and stores only the encrypted key', async () => {
    const kms = mockClient(KMSClient);
    const dataKey = randomBytes(32);
    const wrapped = Buffer.from('wrapped-data-key');
    kms
      .on(GenerateDataKeyCommand)
      .callsFake(() => ({ Plaintext: Uint8Array.from(dataKey), CiphertextBlob: wrapped }));
    kms
      .on(DecryptCommand)
      .callsFake((input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> }) => {
        if (Buffer.compare(Buffer.from(input.CiphertextBlob), wrapped) !== 0)
          throw new Error('InvalidCiphertextException');
        if (JSON.stringify(input.EncryptionContext) !== JSON.stringify(context))
          throw new Error('InvalidCiphertextException');
        return { Plaintext: Uint8Array.from(dataKey) };
      });
    const sealer = kmsSealer(new KMSClient({ region: 'us-east-1' }), 'alias/recipeflow');
    const sealed = await sealer.seal('sk-kms-secret', context);
    expect(sealed).toMatchObject({ alg: 'A256GCM-kms', encryptedKey: wrapped.toString('base64') });
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'alias/recipeflow',
      KeySpec: 'AES_256',
      EncryptionContext: context,
    });
    expect(await sealer.open(sealed, context)).toBe('sk-kms-secret');
    await expect(sealer.open(sealed, { ...context, tenantId: 'ten_b' })).rejects.toThrow();
    kms.restore();
  });

  it('is what a process with CREDENTIALS_KMS_KEY_ID seals with, its SDK loaded by the first secret', async () => {
    const kms = mockClient(KMSClient);
    const dataKey = randomBytes(32);
    kms
      .on(GenerateDataKeyCommand)
      .callsFake(() => ({ Plaintext: Uint8Array.from(dataKey), CiphertextBlob: Buffer.from('wrapped') }));
    kms.on(DecryptCommand).callsFake(() => ({ Plaintext: Uint8Array.from(dataKey) }));
    const deps = {
      config: { AWS_REGION: 'us-east-1', CREDENTIALS_KMS_KEY_ID: 'alias/recipeflow' },
    } as unknown as Deps;
    const sealed = await sealerOf(deps).seal('sk-configured', context);
    expect(sealed.alg).toBe('A256GCM-kms');
    expect(await sealerOf(deps).open(sealed, context)).toBe('sk-configured');
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'alias/recipeflow',
      EncryptionContext: context,
    });
    kms.restore();
  });
});
