declare module 's3rver' {
  /** A Koa application; it emits 'event' with an S3 event notification for each object change. */
  export default class S3rver {
    constructor(options: Record<string, unknown>);
    run(): Promise<unknown>;
    close(callback?: () => void): void;
    on(event: 'event', listener: (notification: never) => void): this;
    /** Its filesystem store (lib/stores/filesystem.js). */
    store: {
      getResourcePath(bucket: string, key: string, resource: string): string;
      putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
      putObject(object: {
        bucket: string;
        key: string;
        content: Buffer | NodeJS.ReadableStream;
        metadata: unknown;
      }): Promise<{ size: number; md5: string }>;
    };
  }
}
