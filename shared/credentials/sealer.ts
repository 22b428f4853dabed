// Encryption at rest for tenant credentials. Cloud: KMS envelope encryption (a data key per secret, with the
// tenant and credential name as encryption context). Local: AES-256-GCM under a key file. Both bind the
// ciphertext to its context (AAD), so a secret copied to another tenant's record will not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { canonicalJson } from '../canonical-json';
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';

export interface SealedSecret {
  alg: 'A256GCM-kms' | 'A256GCM-local';
  iv: string;
  tag: string;
  data: string;
  encryptedKey?: string;
}

export interface SecretSealer {
  seal(plaintext: string, context: Record<string, string>): Promise<SealedSecret>;
  open(sealed: SealedSecret, context: Record<string, string>): Promise<string>;
}

function encrypt(key: Uint8Array, plaintext: string, context: Record<string, string>) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(canonicalJson(context)));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

function decrypt(key: Uint8Array, sealed: SealedSecret, context: Record<string, string>): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(canonicalJson(context)));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}

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

/** The local key file is created on first use (0600) and kept with the data folder. */
export function localKeySealer(keyFile: string): SecretSealer {
  let key: Buffer | undefined;
  const loadKey = () => {
    if (key) return key;
    if (!existsSync(keyFile)) {
      mkdirSync(path.dirname(keyFile), { recursive: true });
      try {
        writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
      }
    }
    chmodSync(keyFile, 0o600);
    key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    return key;
  };
  return {
    async seal(plaintext, context) {
      return { alg: 'A256GCM-local', ...encrypt(loadKey(), plaintext, context) };
    },
    async open(sealed, context) {
      return decrypt(loadKey(), sealed, context);
    },
  };
}

/** The sealer configured for this process (KMS in the cloud, the key file locally), built on first use. */
export function sealerOf(deps: Deps): SecretSealer {
  deps.sealer ??= createSealer(deps);
  return deps.sealer;
}

function createSealer({ config }: Deps): SecretSealer {
  if (config.CREDENTIALS_KMS_KEY_ID)
    return kmsSealer(
      recordCalls(new KMSClient({ region: config.AWS_REGION })),
      config.CREDENTIALS_KMS_KEY_ID,
    );
  if (config.CREDENTIALS_KEY_FILE) return localKeySealer(config.CREDENTIALS_KEY_FILE);
  const unavailable = async (): Promise<never> => {
    throw new Error('no credentials key is configured (CREDENTIALS_KMS_KEY_ID or CREDENTIALS_KEY_FILE)');
  };
  return { seal: unavailable, open: unavailable };
}
