declare module 's3rver' {
  /** A Koa application; it emits 'event' with an S3 event notification for each object change. */
  export default class S3rver {
    constructor(options: Record<string, unknown>);
    run(): Promise<unknown>;
    close(callback?: () => void): void;
    on(event: 'event', listener: (notification: never) => void): this;
  }
}
