// A fake OpenAI-compatible server on 127.0.0.1 speaking the Chat Completions protocol. It checks the bearer
// key, and for JSON-schema requests answers wrongly first when asked to, to exercise the repair attempt.
import type { IncomingMessage } from 'node:http';
import { startFakeServer } from './local-stack';

export interface FakeOpenAi {
  url: string;
  requests: Array<{
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: unknown;
  }>;
  close: () => Promise<void>;
}

export async function startFakeOpenAi(options: {
  apiKey: string;
  breakFirstStructuredReply?: boolean;
}): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  let structuredReplies = 0;
  const server = await startFakeServer(async (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      res.statusCode = 401;
      return res.end(
        JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }),
      );
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.statusCode = 404;
      return res.end(JSON.stringify({ error: { message: 'not found' } }));
    }
    const body = JSON.parse(await readBody(req)) as FakeOpenAi['requests'][number];
    requests.push(body);
    let content = `echo: ${body.messages.at(-1)?.content ?? ''}`;
    if (body.response_format) {
      structuredReplies += 1;
      content =
        options.breakFirstStructuredReply && structuredReplies === 1
          ? JSON.stringify({ wrong: true })
          : JSON.stringify({ summary: `summary from ${body.model}` });
    }
    res.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
        ],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      }),
    );
  });
  return { url: `${server.url}/v1`, requests, close: server.close };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
