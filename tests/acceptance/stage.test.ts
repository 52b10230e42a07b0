import { randomBytes } from 'node:crypto';
import { maskPhone } from '../../lib/phone';
import { sign } from '../../lib/signature';
import {
  CodeCameFirst,
  LIMITS,
  openAcceptanceDriver,
  runIdOf,
  testMode,
  unusedPhone,
  WRONG_CODE,
  type AcceptanceDriver,
  type CallbackRequest,
} from '../support/acceptanceDriver';

/**
 * The stage acceptance test: the scenarios that are safe on a real account, written once as
 * given/when/then steps. `npm test` runs them on the local cloud (TEST_MODE unset), which proves
 * the steps; `npm run test:stage -- --stage <name>` runs them against the deployed stage
 * (TEST_MODE=stage). Codes come back by the target's own route in both modes — no step plays the
 * phone — and nothing is mocked.
 *
 * On a stage each check run signs up one synthetic user (one Cognito MAU) and, on an SMS route,
 * costs the SMS of its sign-up and MFA codes; the runs share the check phone with the schedule and
 * wait for its lease like any run.
 */
const limits = LIMITS[testMode()];
let d: AcceptanceDriver;

beforeAll(async () => {
  d = await openAcceptanceDriver();
}, limits.setupMs);
afterAll(async () => {
  await d?.close();
});

const ALL_FALSE = { role: false, policy: false, userPool: false, client: false };
const ALL_TRUE = { role: true, policy: true, userPool: true, client: true };

/**
 * Then the run left nothing behind: its user deleted, no auth session kept, and the phone's lease
 * freed — at once after a pass; after a failure, held by the run only for the short hold that keeps
 * a late SMS of it from answering the next run (phoneHoldAfterFailureSeconds, at most 900 s).
 */
async function expectCleanedUp(runId: string, verdict: { status: 'PASS' | 'FAIL'; reason: string | null }) {
  const run = await d.runRecord(runId);
  expect(run).toMatchObject(verdict);
  expect(run!.authSession).toBeUndefined();
  expect(await d.userExists(run!.userPoolId, run!.username)).toBe(false);
  // The schedule may have taken the phone since; it just is not this run's any more.
  const lease = (await d.lease(run!.phoneNumber)) as { runId: string; expiresAt?: number } | undefined;
  if (verdict.status === 'PASS' || lease?.runId !== runId) {
    expect(lease?.runId).not.toBe(runId);
  } else {
    expect(lease.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
  }
}

describe(`stage acceptance on ${testMode() === 'stage' ? `stage ${process.env.STAGE}` : 'the local cloud'}`, () => {
  it(
    're-running provisioning of the check target changes nothing',
    async () => {
      // Given the check target, as its last successful provisioning left it
      const last = await d.lastProvisioningOf(d.check.target);

      // When provisioning runs again with the same input
      const rerun = await d.run('provision', last.input, limits.provisionMs);

      // Then it finds everything by name: same pool, client, role, policy and external id, nothing created
      expect(rerun).toMatchObject({ status: 'SUCCEEDED' });
      expect(JSON.parse(rerun.output!)).toEqual({ ...last.output, created: ALL_FALSE });
    },
    limits.provisionMs + 30_000,
  );

  it(
    'a check passes with the codes that the route brings back by itself',
    async () => {
      // Given the check target and its phone, whose SMS come back by the stage's route
      const { phoneNumber } = d.check;

      // When a check run starts and nobody answers anything
      const executionArn = await d.startCheck();
      const result = await d.finish(executionArn);

      // Then it passes: sign-up code, confirmation, sign-in, SMS MFA, verified tokens
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      const output = JSON.parse(result.output!);
      expect(output).toMatchObject({
        verdict: 'PASS',
        runId: runIdOf(executionArn),
        phone: maskPhone(phoneNumber),
        codeDelivery: { destination: maskPhone(phoneNumber) },
        tokens: { issuerVerified: true, tokenType: 'Bearer', idToken: { tokenUse: 'id' }, accessToken: { tokenUse: 'access' } },
      });
      expect(['mfa-challenged', 'tokens-without-mfa']).toContain(output.firstSignIn);
      expect(JSON.stringify(output)).not.toContain(phoneNumber);

      // And it cleaned up after itself
      await expectCleanedUp(runIdOf(executionArn), { status: 'PASS', reason: null });
    },
    limits.checkMs + 30_000,
  );

  it(
    'a hostile callback set is refused (401, 401, 401, 413, 415, 404) and resumes nothing',
    async () => {
      // Given a check run waiting for a code
      const executionArn = await d.startCheck();
      const runId = runIdOf(executionArn);
      await d.waitOpened(executionArn);

      // When requests that must not count post a wrong code for it: unsigned, signed too long ago,
      // signed with another secret, too large, not JSON, and (signed) for a phone nothing waits on
      const raw = JSON.stringify({ runId, code: WRONG_CODE });
      const unknownPhone = unusedPhone();
      const hostile: Record<string, CallbackRequest> = {
        unsigned: { raw, signature: null },
        stale: { raw, signature: d.sign(raw, Math.floor(Date.now() / 1000) - 600) },
        forged: { raw, signature: sign(randomBytes(24).toString('hex'), raw) },
        oversized: { raw: JSON.stringify({ runId, code: WRONG_CODE, message: 'x'.repeat(5_000) }) },
        wrongMediaType: { raw, contentType: 'text/plain' },
        unknownPhone: { body: { phoneNumber: unknownPhone, code: WRONG_CODE } },
      };
      const answers = Object.fromEntries(
        await Promise.all(Object.entries(hostile).map(async ([name, request]) => [name, await d.post(request)] as const)),
      );
      const wait = await d.wait(d.check.phoneNumber);
      const stillWaiting = wait?.runId === runId && wait.step === 'SIGN_UP' && wait.answered !== true;

      // Then each is refused with its status, and no answer echoes the code or accepts anything
      expect(Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.status]))).toEqual({
        unsigned: 401,
        stale: 401,
        forged: 401,
        oversized: 413,
        wrongMediaType: 415,
        unknownPhone: 404,
      });
      for (const answer of Object.values(answers)) {
        expect(answer.text).not.toContain(WRONG_CODE);
        expect(answer.body).not.toMatchObject({ status: 'accepted' });
      }

      // And nothing was resumed: had any of them been taken, the wrong code would fail the run;
      // it passes with the real code the route brought back.
      if (testMode() === 'local') expect(stillWaiting).toBe(true); // the set landed while the run waited
      const result = await d.finish(executionArn);
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      expect(await d.wait(unknownPhone)).toBeUndefined();
      await expectCleanedUp(runId, { status: 'PASS', reason: null });
    },
    limits.checkMs + 30_000,
  );

  // Last of the scenarios on the check phone: the run's real code is still on its way when the run
  // has failed, and the phone's next wait would take it (a route matches codes by phone).
  it(
    'a wrong code fails the check with CodeMismatch, and the run cleans up',
    async () => {
      // Given the callback is warm (a signed code for a phone nothing waits on is answered 404)
      expect((await d.submit({ phoneNumber: unusedPhone(), code: WRONG_CODE })).status).toBe(404);
      let executionArn: string | undefined;
      const lost: string[] = [];
      // A route can be faster than this step (the Custom SMS Sender): then that run passes with
      // its real code, and the step tries again with a new run.
      while (!executionArn && lost.length < 3) {
        // Given a check run awaiting its sign-up code
        const arn = await d.startCheck();
        try {
          await d.awaitingCode(arn, 'SIGN_UP');
          // When a wrong code reaches it first (signed callback, by run id; the first answer wins)
          const answer = await d.submit({ runId: runIdOf(arn), code: WRONG_CODE });
          if (answer.status === 409) throw new CodeCameFirst(runIdOf(arn), 'SIGN_UP');
          expect(answer).toMatchObject({ status: 202, body: { status: 'accepted', runId: runIdOf(arn), step: 'SIGN_UP' } });
          executionArn = arn;
        } catch (error) {
          if (!(error instanceof CodeCameFirst)) throw error;
          lost.push(runIdOf(arn));
          await d.finish(arn);
        }
      }
      if (!executionArn) {
        throw new Error(
          `The route brought the real sign-up code back before a wrong one could be submitted, ${lost.length} times (runs ${lost.join(', ')}): on a route this fast the wrong-code scenario cannot go first`,
        );
      }

      // Then the run fails with CodeMismatch
      const result = await d.finish(executionArn!);
      expect(result).toMatchObject({ status: 'FAILED', error: 'CodeMismatch' });

      // And it cleaned up: user deleted, lease freed, the failure recorded with its reason
      await expectCleanedUp(runIdOf(executionArn!), { status: 'FAIL', reason: 'CodeMismatch' });
    },
    3 * limits.checkMs + 30_000,
  );

  it(
    'teardown removes a temporary target: client, pool, policy, role and record',
    async () => {
      // Given a temporary target provisioned under unique names
      const suffix = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
      const names = {
        userPoolName: `AcceptanceTmp-${suffix}`,
        clientName: `AcceptanceTmp-${suffix}-client`,
        roleName: `AcceptanceTmp-${suffix}-SMS-Role`,
        policyName: `AcceptanceTmp-${suffix}-SNS-Policy`,
        targetName: `AcceptanceTmp-${suffix}`,
      };
      let tornDown = false;
      try {
        const provisioned = await d.run('provision', names, limits.provisionMs);
        expect({ status: provisioned.status, error: provisioned.error, cause: provisioned.cause }).toEqual({
          status: 'SUCCEEDED',
          error: undefined,
          cause: undefined,
        });
        const target = JSON.parse(provisioned.output!);
        expect(target.created).toEqual(ALL_TRUE);

        // When the teardown machine runs for it
        const teardown = await d.run('teardown', names, limits.teardownMs);
        tornDown = teardown.status === 'SUCCEEDED';

        // Then it reports each deletion
        expect({ status: teardown.status, error: teardown.error, cause: teardown.cause }).toEqual({
          status: 'SUCCEEDED',
          error: undefined,
          cause: undefined,
        });
        expect(JSON.parse(teardown.output!)).toEqual({
          client: expect.objectContaining({ deleted: true, id: target.clientId }),
          userPool: expect.objectContaining({ deleted: true, id: target.userPoolId }),
          attachment: expect.objectContaining({ deleted: true, id: target.policyArn }),
          policy: expect.objectContaining({ deleted: true }),
          role: expect.objectContaining({ deleted: true }),
          target: expect.objectContaining({ deleted: true, id: target.targetParameter }),
        });

        // And nothing of it is left
        expect(await d.clientGone(target.userPoolId, target.clientId)).toBe('ResourceNotFoundException');
        expect(await d.userPoolGone(target.userPoolId)).toBe('ResourceNotFoundException');
        expect(await d.policyGone(target.policyArn)).toBe('NoSuchEntityException');
        expect(await d.roleGone(names.roleName)).toBe('NoSuchEntityException');
        expect(await d.parameterGone(target.targetParameter)).toBe('ParameterNotFound');
      } finally {
        // Whatever failed above, the account keeps nothing of the temporary target.
        if (!tornDown) await d.run('teardown', names, limits.teardownMs).catch(() => undefined);
      }
    },
    limits.provisionMs + 2 * limits.teardownMs + 60_000,
  );
});
