// Encryption at rest for tenant credentials. Cloud: KMS envelope encryption (a data key per secret, with the
// tenant and credential name as encryption context). Local: AES-256-GCM under a key file. Both bind the
// ciphertext to its context (AAD), so a secret copied to another tenant's record will not open.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';
import { decrypt, encrypt } from './aes-gcm';

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
  const keyId = config.CREDENTIALS_KMS_KEY_ID;
  if (keyId) {
    // The KMS SDK is loaded with the first secret sealed or opened (kms-sealer.ts).
    let kms: Promise<SecretSealer> | undefined;
    const load = () =>
      (kms ??= import('./kms-sealer').then(({ KMSClient, kmsSealer }) =>
        kmsSealer(recordCalls(new KMSClient({ region: config.AWS_REGION })), keyId),
      ));
    return {
      seal: async (plaintext, context) => (await load()).seal(plaintext, context),
      open: async (sealed, context) => (await load()).open(sealed, context),
    };
  }
  if (config.CREDENTIALS_KEY_FILE) return localKeySealer(config.CREDENTIALS_KEY_FILE);
  const unavailable = async (): Promise<never> => {
    throw new Error('no credentials key is configured (CREDENTIALS_KMS_KEY_ID or CREDENTIALS_KEY_FILE)');
  };
  return { seal: unavailable, open: unavailable };
}
