// A loopback stand-in for Amazon Bedrock Runtime that speaks the Converse wire protocol
// (POST /model/{modelId}/converse, JSON in and out) over HTTP/2 as the service does — the SDK's Bedrock
// Runtime client talks HTTP/2 — reached through the SDK's endpoint override.
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http2';
import { listen } from '../../infra/local/http-server';

export interface ConverseRequest {
  modelId: string;
  headers: IncomingHttpHeaders | Record<string, unknown>;
  body: {
    messages: Array<{ role: string; content: Array<{ text?: string }> }>;
    system?: Array<{ text: string }>;
    toolConfig?: {
      tools: Array<{ toolSpec: { name: string; inputSchema: { json: unknown } } }>;
      toolChoice?: unknown;
    };
    inferenceConfig?: Record<string, unknown>;
  };
}

/** Replies in order (text, or a tool's input for structured output); the last one repeats. */
export async function startFakeBedrock(replies: Array<{ text: string } | { toolInput: unknown }>) {
  const requests: ConverseRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /^\/model\/([^/]+)\/converse$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !match) {
        res.statusCode = 404;
        res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
        return res.end('{"message":"no such operation"}');
      }
      const request: ConverseRequest = {
        modelId: decodeURIComponent(match[1]!),
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConverseRequest['body'],
      };
      requests.push(request);
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      const content =
        'text' in reply
          ? [{ text: reply.text }]
          : [{ toolUse: { toolUseId: `tool-${requests.length}`, name: 'output', input: reply.toolInput } }];
      res.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content } },
          stopReason: 'text' in reply ? 'end_turn' : 'tool_use',
          usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
          metrics: { latencyMs: 5 },
        }),
      );
    });
  });
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const port = await listen(server as never, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}
