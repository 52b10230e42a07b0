import { request } from 'node:http';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { MAX_REQUEST_BYTES, routesFromServerlessConfig, startApiServer, type ApiServer, type HttpRoute } from './server';
import { functionLogicalId, type ServerlessConfig } from '../serverlessConfig';
import { sign } from '../../lib/signature';
import { clearSecretCache } from '../../lib/secrets/getSecret';

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(routes: HttpRoute[]): Promise<ApiServer> {
  const server = await startApiServer(routes);
  servers.push(server);
  return server;
}

/** A handler that answers with the event it got, so tests see what the server built. */
function echo(): HttpRoute['handler'] & { calls: { event: APIGatewayProxyEventV2; context: Context }[] } {
  const calls: { event: APIGatewayProxyEventV2; context: Context }[] = [];
  const fn = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
    calls.push({ event, context });
    return {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
      cookies: ['a=1', 'b=2'],
      body: JSON.stringify({ ok: true }),
    };
  };
  return Object.assign(fn, { calls });
}

describe('startApiServer', () => {
  it('turns a request into an HTTP API payload 2.0 event and writes the result back', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler, name: 'submitCode' }]);
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    const res = await fetch(`${api.url}/codes?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': 't=1,v1=ab', Cookie: 'c1=v1; c2=v2' },
      body: '{"phoneNumber":"+15555550100"}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-test')).toBe('yes');
    expect(res.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ ok: true });

    const { event, context } = handler.calls[0];
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /codes',
      rawPath: '/codes',
      rawQueryString: 'a=1&a=2&b=x%20y',
      queryStringParameters: { a: '1,2', b: 'x y' },
      cookies: ['c1=v1', 'c2=v2'],
      body: '{"phoneNumber":"+15555550100"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/codes', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: 'POST /codes',
        stage: '$default',
        requestId: res.headers.get('apigw-requestid'),
      },
    });
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-signature']).toBe('t=1,v1=ab');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5000);
    expect(context.functionName).toBe('submitCode');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(25_000);
  });

  it('passes a non-text body base64-encoded, as HTTP API does', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler }]);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await fetch(`${api.url}/codes`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(handler.calls[0].event).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
  });

  it('answers unknown paths and known paths with another method 404 {"message":"Not Found"}, like HTTP API', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler }]);
    for (const [method, path] of [
      ['POST', '/nope'],
      ['GET', '/codes'],
      ['POST', '/codes/extra'],
    ]) {
      const res = await fetch(`${api.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
    expect(handler.calls).toHaveLength(0);
  });

  it('matches path parameters and ANY', async () => {
    const handler = echo();
    const api = await serve([{ method: 'ANY', path: '/runs/{runId}/files/{rest+}', handler }]);
    expect((await fetch(`${api.url}/runs/r%201/files/a/b`, { method: 'DELETE' })).status).toBe(201);
    expect(handler.calls[0].event).toMatchObject({
      routeKey: 'ANY /runs/{runId}/files/{rest+}',
      pathParameters: { runId: 'r 1', rest: 'a/b' },
    });
  });

  it('prefers the most specific route, whatever order serverless.yml declares them in', async () => {
    const handler = echo();
    const api = await serve([
      { method: 'GET', path: '/{proxy+}', handler },
      { method: 'GET', path: '/runs/{proxy+}', handler },
      { method: 'GET', path: '/runs/{runId}/files/{rest+}', handler },
      { method: 'GET', path: '/runs/{runId}', handler },
      { method: 'GET', path: '/runs/latest', handler },
    ]);
    for (const path of ['/runs/latest', '/runs/r1', '/runs/r1/steps', '/runs/r1/files/a/b', '/other']) await fetch(`${api.url}${path}`);
    expect(handler.calls.map((c) => c.event.routeKey)).toEqual([
      'GET /runs/latest',
      'GET /runs/{runId}',
      'GET /runs/{proxy+}',
      'GET /runs/{runId}/files/{rest+}',
      'GET /{proxy+}',
    ]);
  });

  it('joins every repeat of a header with commas, as payload 2.0 does, and keeps repeated cookies', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler }]);
    await new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}/codes`, { method: 'POST' }, (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      // Node's req.headers keeps only the first of some repeated headers (authorization among them).
      req.setHeader('authorization', ['a', 'b']);
      req.setHeader('x-multi', ['one', 'two']);
      req.setHeader('cookie', ['c1=v1', 'c2=v2; c3=v3']);
      req.end('{}');
    });
    const { event } = handler.calls[0];
    expect(event.headers).toMatchObject({ authorization: 'a,b', 'x-multi': 'one,two' });
    expect(event.cookies).toEqual(['c1=v1', 'c2=v2', 'c3=v3']);
  });

  it('cuts off bodies over 1 MB with 413 before the handler runs', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler }]);
    const res = await fetch(`${api.url}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(MAX_REQUEST_BYTES + 1),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(handler.calls).toHaveLength(0);
  });

  it('cuts off a chunked body (no content-length) once it passes 1 MB', async () => {
    const handler = echo();
    const api = await serve([{ method: 'POST', path: '/codes', handler }]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.url}/codes`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(handler.calls).toHaveLength(0);
  });

  it('answers 500 {"message":"Internal Server Error"} when the handler throws, and a plain value as 200 JSON', async () => {
    const api = await serve([
      {
        method: 'POST',
        path: '/boom',
        handler: async () => {
          throw new Error('secret detail');
        },
      },
      { method: 'GET', path: '/plain', handler: async () => 'hello' },
    ]);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const boom = await fetch(`${api.url}/boom`, { method: 'POST' });
    stderr.mockRestore();
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
    const plain = await fetch(`${api.url}/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.text()).toBe('hello');
  });
});

describe('routesFromServerlessConfig', () => {
  const config: ServerlessConfig = {
    service: 'cognito-sms-mfa',
    stateMachines: [],
    environment: {},
    params: {},
    resources: {},
    functions: [
      {
        name: 'submitCode',
        logicalId: functionLogicalId('submitCode'),
        module: 'functions/api/submitCode',
        exportName: 'handler',
        httpEvents: [{ method: 'POST', path: '/codes' }],
        eventPatterns: [],
        snsEvents: [],
        environment: {},
        timeoutSeconds: 10,
        memoryMb: 256,
      },
      {
        name: 'ensureSmsRole',
        logicalId: functionLogicalId('ensureSmsRole'),
        module: 'functions/provision/ensureSmsRole',
        exportName: 'handler',
        httpEvents: [],
        eventPatterns: [],
        snsEvents: [],
        environment: {},
        timeoutSeconds: 10,
        memoryMb: 256,
      },
    ],
  };

  it('makes one route per HTTP event, with the handler serverless.yml names', () => {
    const routes = routesFromServerlessConfig(config);
    expect(routes).toEqual([
      {
        method: 'POST',
        path: '/codes',
        name: 'submitCode',
        timeoutSeconds: 10,
        handler: require('../../functions/api/submitCode').handler,
      },
    ]);
  });

  it('refuses a handler that is not exported', () => {
    expect(() => routesFromServerlessConfig({ ...config, functions: [{ ...config.functions[0], exportName: 'nope' }] })).toThrow(
      /not an exported function/,
    );
  });

  it('finds POST /codes in serverless.yml', () => {
    expect(routesFromServerlessConfig().map((r) => `${r.method} ${r.path}`)).toContain('POST /codes');
  });

  describe('served with the real submitCode handler (AWS clients mocked)', () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const sfn = mockClient(SFNClient);
    const sm = mockClient(SecretsManagerClient);
    const SECRET = 'server-test-secret';
    beforeAll(() => {
      process.env.RUNS_TABLE = 'runs-test';
      process.env.CALLBACK_SECRET_ARN = 'callback-secret';
    });
    beforeEach(() => {
      ddb.reset();
      sfn.reset();
      sm.reset();
      clearSecretCache();
      sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
      sfn.on(SendTaskSuccessCommand).resolves({});
      ddb.on(UpdateCommand).resolves({
        Attributes: {
          pk: 'WAIT#+15555550123',
          runId: 'run-9',
          step: 'MFA',
          expiresAt: Date.now() + 60_000,
          taskToken: 'tok',
          answered: true,
          code: '482913',
        },
      });
    });

    it('202 for a signed submission, 401 for an unsigned one, 415 for text', async () => {
      const api = await serve(routesFromServerlessConfig(config));
      const body = JSON.stringify({ phoneNumber: '+15555550123', message: 'Your authentication code is 482913. ' });
      const ok = await fetch(`${api.url}/codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': sign(SECRET, body) },
        body,
      });
      expect(ok.status).toBe(202);
      expect(await ok.json()).toEqual({ status: 'accepted', runId: 'run-9', step: 'MFA' });
      expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input).toEqual({
        taskToken: 'tok',
        output: '{"runId":"run-9","step":"MFA"}',
      });

      const unsigned = await fetch(`${api.url}/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ error: { code: 'Unauthorized', reason: 'missing' } });

      const text = await fetch(`${api.url}/codes`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
      expect(text.status).toBe(415);
    });
  });
});
