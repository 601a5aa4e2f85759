import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from './static-server.js';

export interface MockRequest {
  operationName: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
  query: string;
}

export interface MockError {
  message: string;
  extensions: { code: string };
}

/** What an operation resolver returns: `data`, or GraphQL `errors` (with `extensions.code`). */
export type MockResult = { data: unknown } | { errors: MockError[] };
export type MockResolver = (variables: Record<string, unknown>, request: MockRequest) => MockResult;

export function gqlError(code: string, message: string): { errors: MockError[] } {
  return { errors: [{ message, extensions: { code } }] };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A canned GraphQL endpoint answering by operationName; every request is recorded for assertions. */
export function createMockGraphql(resolvers: Record<string, MockResolver>) {
  const requests: MockRequest[] = [];
  const handler: RequestHandler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.parse((await readBody(req)) || '{}') as { operationName?: string; variables?: Record<string, unknown>; query?: string };
    const operationName = body.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(body.query ?? '')?.[1] ?? '';
    const request: MockRequest = { operationName, variables: body.variables ?? {}, authorization: req.headers.authorization, query: body.query ?? '' };
    requests.push(request);
    const resolver = resolvers[operationName];
    const result: MockResult = resolver ? resolver(request.variables, request) : gqlError('INTERNAL_SERVER_ERROR', `operation ${operationName} is not mocked`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  };
  return { handler, requests };
}
