import { captureLogs, contains } from '../support/logCapture';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { syntheticPassword } from '../../lib/verify/password';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Secrets never enter state, return values or logs: after passing and failing runs, the full
 * execution histories, the callback's answers and every log line are searched for each password,
 * SMS code, Cognito session, task token and JWT the runs used.
 */

const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

it('keeps passwords, codes, sessions, task tokens and JWTs out of histories, answers and logs', async () => {
  const logs = captureLogs();
  const s = await ScenarioCloud.start({ logLevel: 'DEBUG' });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const sessions: string[] = [];
    const arns: string[] = [];

    // A passing run, with the MFA code held back long enough to read the session it was issued.
    const phone = nextPhone();
    s.modes.set(phone, 'hold');
    const passing = await s.start('verify', { target: s.targetName, phoneNumber: phone });
    arns.push(passing);
    await s.reached(passing, 'AwaitSignUpCode');
    await s.submit({ phoneNumber: phone, code: s.held.at(-1)!.code });
    await s.reached(passing, 'AwaitMfaCode');
    const runId = passing.split(':').pop()!;
    const run = (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk: `RUN#${runId}` } }))).Item!;
    sessions.push(run.authSession);
    await s.submit({ phoneNumber: phone, code: s.held.at(-1)!.code });
    expect((await s.finish(passing)).status).toBe('SUCCEEDED');

    // Failing runs: a wrong code, a duplicate, a timeout.
    for (const mode of ['wrong', 'duplicate', 'drop'] as const) {
      const p = nextPhone();
      s.modes.set(p, mode);
      const arn = await s.start('verify', { target: s.targetName, phoneNumber: p, timeouts: { signUpCodeSeconds: 1 } });
      arns.push(arn);
      await s.finish(arn);
    }

    const histories = await Promise.all(arns.map((arn) => s.history(arn)));
    const taskTokens = histories
      .flat()
      .map((e) => e.taskScheduledEventDetails?.parameters)
      .filter(Boolean)
      .map((p) => JSON.parse(p!).Payload?.taskToken)
      .filter(Boolean) as string[];
    const passwords = await Promise.all(arns.map((arn) => syntheticPassword(arn.split(':').pop()!)));
    const codes = s.cloud.cognito.sent.map((m) => m.code);
    const secrets = { passwords, codes, sessions, taskTokens };
    expect(taskTokens.length).toBeGreaterThanOrEqual(5);
    expect(codes.length).toBeGreaterThanOrEqual(5);
    expect(sessions[0]).toEqual(expect.any(String));

    // Step Functions itself records a waitForTaskToken task's parameters (the token among them)
    // in TaskScheduled, on AWS as here; everything else must be clean.
    const withoutScheduledParameters = histories.flat().map((e) => ({ ...e, taskScheduledEventDetails: undefined }));
    const haystacks = {
      histories: JSON.stringify(withoutScheduledParameters),
      answers: JSON.stringify(s.answers.map((a) => a.body)),
      logs: logs.lines.join(''),
    };
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [kind, values] of Object.entries(secrets)) {
        for (const value of values) expect({ where, kind, found: contains(text, value) }).toEqual({ where, kind, found: false });
      }
      expect({ where, jwt: JWT.test(text) }).toEqual({ where, jwt: false });
      expect({ where, rawPhone: text.includes(phone) }).toEqual({ where, rawPhone: where === 'histories' });
    }
  } finally {
    logs.restore();
    db.destroy();
    await s.close();
  }
}, 60_000);
