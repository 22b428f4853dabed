// The cloud's sealer: KMS envelope encryption, a data key per secret with the tenant and credential name as
// encryption context. Imported by sealer.ts with the first secret sealed or opened, so a function whose requests
// never touch a secret (most steps, credential lists) does not load the KMS SDK at start-up.
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { decrypt, encrypt } from './aes-gcm';
import type { SecretSealer } from './sealer';

export { KMSClient };

export function kmsSealer(kms: KMSClient, keyId: string): SecretSealer {
  return {
    async seal(plaintext, context) {
      const dataKey = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      const sealed = encrypt(dataKey.Plaintext!, plaintext, context);
      dataKey.Plaintext!.fill(0);
      return {
        alg: 'A256GCM-kms',
        ...sealed,
        encryptedKey: Buffer.from(dataKey.CiphertextBlob!).toString('base64'),
      };
    },
    async open(sealed, context) {
      const dataKey = await kms.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(sealed.encryptedKey ?? '', 'base64'),
          EncryptionContext: context,
        }),
      );
      try {
        return decrypt(dataKey.Plaintext!, sealed, context);
      } finally {
        dataKey.Plaintext!.fill(0);
      }
    },
  };
}
