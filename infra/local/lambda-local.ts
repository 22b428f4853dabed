// A loopback endpoint for the Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations), answering
// with the local runtime's function modules as Lambda does: the result as the body, or an unhandled error as
// X-Amz-Function-Error: Unhandled with { errorType, errorMessage }. What POST /v1/steps/test invokes.

import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { closeServer, listen } from './http-server';

export async function startLambdaLocal(
  invoke: (functionName: string, payload: unknown) => Promise<unknown>,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split('?')[0] ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || !match) {
      res.statusCode = 404;
      res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
      return res.end(JSON.stringify({ message: 'no such operation' }));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const functionName = decodeURIComponent(match[1]!);
    try {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown;
      const result = await invoke(functionName, payload);
      res.end(JSON.stringify(result ?? null));
    } catch (error) {
      const failure = error as Error;
      if (failure.name === 'Lambda.ResourceNotFoundException') {
        res.statusCode = 404;
        res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
        return res.end(JSON.stringify({ message: `Function not found: ${functionName}` }));
      }
      res.setHeader('x-amz-function-error', 'Unhandled');
      res.end(JSON.stringify({ errorType: failure.name, errorMessage: failure.message, trace: [] }));
    }
  });
  const port = await listen(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}
