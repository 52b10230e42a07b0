import { duration, stepNote, verdict } from '../../cli/stepLine';
import { codeWait } from '../../cli/follow';

/** What a person following a run reads: per step only what is new, and the verdict as a sentence. */
const run = {
  runId: 'r-1',
  userPoolId: 'us-east-1_Abc',
  clientId: 'c1',
  username: 'synthetic-r-1',
  phone: '+*******0142',
  targetName: 'MyUserPool',
  timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 150 },
};
const j = (v: unknown) => JSON.stringify(v);

describe('stepNote', () => {
  it('names the pool, target, phone and timeouts once, in the step that first has them', () => {
    expect(stepNote({ state: 'PrepareRun', type: 'Task', ms: 40, input: j({ input: { target: 'MyUserPool' } }), output: j(run) })).toBe(
      'pool us-east-1_Abc (target MyUserPool), phone +*******0142, code timeouts 300 / 150 s',
    );
  });

  it('says nothing for a step whose result is discarded, and for a Pass state', () => {
    expect(stepNote({ state: 'AcquireLease', type: 'Task', ms: 12, input: j(run), output: j(run) })).toBe('');
    expect(stepNote({ state: 'Passed', type: 'Pass', ms: 0, input: j(run), output: j({ verdict: 'PASS', runId: 'r-1', extra: 1 }) })).toBe(
      '',
    );
  });

  it('says what sign-up, the MFA challenge and the tokens brought, and how long a code took', () => {
    const signUp = {
      userConfirmed: false,
      userSub: 'sub-1',
      codeDelivery: { destination: '+*******0142', medium: 'SMS', attribute: 'phone_number' },
    };
    expect(stepNote({ state: 'SignUp', ms: 70, input: j(run), output: j({ ...run, signUp }) })).toBe('code sent to +*******0142 by SMS');
    expect(stepNote({ state: 'AwaitSignUpCode', ms: 12_345, input: j(run), output: j(run) })).toBe('code came back after 12.3 s');
    const challenge = { challenge: 'SMS_MFA', destination: '+*******0142', firstSignIn: 'tokens-without-mfa' };
    expect(stepNote({ state: 'InitiateAuth', ms: 90, input: j(run), output: j({ ...run, challenge }) })).toBe(
      'challenge SMS_MFA, code sent to +*******0142 (the first sign-in returned tokens without MFA; this second one was challenged)',
    );
    const tokens = {
      sub: 's',
      idToken: { tokenUse: 'id', exp: 1 },
      accessToken: { tokenUse: 'access', exp: 1 },
      refreshTokenIssued: true,
      issuerVerified: true,
      expiresIn: 3600,
      tokenType: 'Bearer',
    };
    expect(stepNote({ state: 'RespondToAuthChallenge', ms: 80, input: j(run), output: j({ ...run, tokens }) })).toBe(
      'tokens verified (access + id + refresh, expire in 3600 s)',
    );
  });

  it('says the tokens were refreshed and the refresh token revoked, or why it was not', () => {
    const tokens = {
      issuerVerified: true,
      refreshTokenIssued: true,
      refresh: { flow: 'REFRESH_TOKEN_AUTH', verified: true, revoked: true },
    };
    expect(stepNote({ state: 'FinishSignIn', ms: 80, input: j(run), output: j({ ...run, tokens }) })).toBe(
      'tokens verified (access + id + refresh); refreshed with REFRESH_TOKEN_AUTH, revoked',
    );
    const notRevoked = { ...tokens, refresh: { ...tokens.refresh, revoked: false, notRevokedBecause: 'UnsupportedOperationException' } };
    expect(stepNote({ state: 'FinishSignIn', ms: 80, input: j(run), output: j({ ...run, tokens: notRevoked }) })).toBe(
      'tokens verified (access + id + refresh); refreshed with REFRESH_TOKEN_AUTH, not revoked (UnsupportedOperationException)',
    );
  });

  it('marks the step a Catch left with its error, and says no "code came back" for a wait that timed out', () => {
    const output = j({ ...run, error: { Error: 'States.Timeout', Cause: '' } });
    expect(stepNote({ state: 'AwaitMfaCode', ms: 150_000, input: j(run), output })).toBe('✗ States.Timeout');
  });

  it('reports provisioning as resources found or created', () => {
    expect(
      stepNote({
        state: 'EnsureUserPool',
        ms: 1,
        input: '{}',
        output: j({
          userPool: { userPoolId: 'us-east-1_X', created: false, managed: false, drift: ['MfaConfiguration is OFF, expected ON'] },
        }),
      }),
    ).toBe('pool us-east-1_X found (not made by this tool: teardown keeps it); drift: MfaConfiguration is OFF, expected ON');
    expect(
      stepNote({
        state: 'EnsureSmsRole',
        ms: 1,
        input: '{}',
        output: j({ role: { roleName: 'MyUserPool-SMS-Role', roleArn: 'arn:aws:iam::1:role/x', created: true } }),
      }),
    ).toBe('role MyUserPool-SMS-Role created');
    const policyArn = 'arn:aws:iam::1:policy/cognito-sms-mfa/Cognito-SNS-Policy';
    expect(
      stepNote({
        state: 'AttachRolePolicy',
        ms: 1,
        input: '{}',
        output: j({ attachment: { roleName: 'R', policyArn, attached: true } }),
      }),
    ).toBe('policy Cognito-SNS-Policy attached to role R');
    expect(
      stepNote({
        state: 'AttachRolePolicy',
        ms: 1,
        input: '{}',
        output: j({
          attachment: { roleName: 'Theirs', policyArn, attached: false, kept: 'NotManaged', reason: 'role Theirs was found by name' },
        }),
      }),
    ).toBe('policy Cognito-SNS-Policy not attached to role Theirs (NotManaged: role Theirs was found by name)');
  });

  it('reports each teardown step as deleted, already gone, or kept with the reason', () => {
    const before = { userPoolName: 'HandMade', deleted: { client: { deleted: false } } };
    const kept = {
      deleted: false,
      kept: 'NotManaged',
      id: 'us-east-1_H',
      reason: 'user pool HandMade has no tag managed-by=cognito-sms-mfa',
    };
    const output = j({ ...before, deleted: { ...before.deleted, userPool: kept } });
    expect(stepNote({ state: 'DeleteUserPool', ms: 1, input: j(before), output })).toBe(
      'pool us-east-1_H kept (NotManaged: user pool HandMade has no tag managed-by=cognito-sms-mfa)',
    );
    const role = { deleted: true, id: 'MyUserPool-SMS-Role' };
    expect(stepNote({ state: 'DeleteRole', ms: 1, input: j(before), output: j({ ...before, deleted: { ...before.deleted, role } }) })).toBe(
      'role MyUserPool-SMS-Role deleted',
    );
    expect(stepNote({ state: 'DeleteUserPoolClient', ms: 1, input: j({ userPoolName: 'HandMade' }), output: j(before) })).toBe(
      'client already gone',
    );
  });

  it('falls back to path=value for unknown fields, never printing a secret-looking field or a clear phone number', () => {
    const output = j({ ...run, session: 'AYABeD-session', password: 'P@ss', code: '123456', note: 'sent to +15555550142', count: 2 });
    const note = stepNote({ state: 'Custom', ms: 1, input: j(run), output });
    expect(note).toBe('note=sent to +*******0142 count=2');
    for (const secret of ['AYABeD', 'P@ss', '123456', '+15555550142']) expect(note).not.toContain(secret);
  });
});

describe('verdict', () => {
  const startDate = new Date('2026-06-01T00:00:00Z');
  const stopDate = new Date(startDate.getTime() + 12_345);

  it('PASS in <duration>, tokens verified', () => {
    const output = j({ verdict: 'PASS', durationMs: 336, tokens: { issuerVerified: true } });
    expect(verdict({ machine: 'verify', status: 'SUCCEEDED', output, startDate, stopDate })).toBe('PASS in 336 ms, tokens verified');
    const firstWithoutMfa = j({ durationMs: 2100, tokens: { issuerVerified: true }, firstSignIn: 'tokens-without-mfa' });
    expect(verdict({ machine: 'verify', status: 'SUCCEEDED', output: firstWithoutMfa })).toBe(
      'PASS in 2.1 s, tokens verified (first sign-in without MFA, the second challenged)',
    );
  });

  it('FAIL: <reason> — <cause> (after <time>, in <state>), the cause on one line with phone numbers masked', () => {
    const cause = 'No SMS code reached +15555550142\n before the wait timed out';
    expect(
      verdict({ machine: 'verify', status: 'FAILED', error: 'SmsCodeNotReceived', cause, startDate, stopDate, failedIn: 'AwaitMfaCode' }),
    ).toBe('FAIL: SmsCodeNotReceived — No SMS code reached +*******0142 before the wait timed out (after 12.3 s, in AwaitMfaCode)');
    expect(verdict({ machine: 'verify', status: 'TIMED_OUT', startDate, stopDate, failedIn: 'AwaitSignUpCode' })).toBe(
      'FAIL: TimedOut (after 12.3 s, in AwaitSignUpCode)',
    );
    expect(verdict({ machine: 'verify', status: 'ABORTED' })).toBe('FAIL: Aborted');
    expect(verdict({ machine: 'verify', status: 'FAILED', error: 'X', cause: 'y'.repeat(500) }).length).toBeLessThan(220);
  });

  it('provisioning and teardown: SUCCEEDED in <duration>, what was provisioned; FAILED with the reason', () => {
    const output = j({
      targetName: 'Shop',
      userPoolId: 'us-east-1_X',
      clientId: 'c9',
      created: { role: false, policy: false, userPool: true, client: true },
      drift: { userPool: [], client: [] },
    });
    expect(verdict({ machine: 'provision', status: 'SUCCEEDED', output, startDate, stopDate })).toBe(
      'SUCCEEDED in 12.3 s: target Shop → pool us-east-1_X, client c9; created userPool, client',
    );
    // Each drift item named (it used to be "drift: 2 settings differ (see --json)"), and what the record does not claim
    const found = j({
      targetName: 'Shop',
      userPoolId: 'us-east-1_X',
      clientId: 'c9',
      created: { role: false, policy: false, userPool: false, client: false },
      managed: { userPoolId: 'us-east-1_X', clientId: 'c9' },
      attachment: { roleName: 'Theirs', policyArn: 'arn:aws:iam::1:policy/P', attached: false, kept: 'NotManaged', reason: 'r' },
      drift: { userPool: ['MfaConfiguration is OFF, expected ON'], client: ['ALLOW_USER_SRP_AUTH is not allowed: …'] },
    });
    expect(verdict({ machine: 'provision', status: 'SUCCEEDED', output: found, startDate, stopDate })).toBe(
      'SUCCEEDED in 12.3 s: target Shop → pool us-east-1_X, client c9; nothing created (all there); ' +
        'not made by this tool, teardown keeps: role, policy; ' +
        'role not changed (NotManaged): policy not attached, SMS needs the role to allow sns:Publish already; ' +
        'drift: userPool: MfaConfiguration is OFF, expected ON | client: ALLOW_USER_SRP_AUTH is not allowed: …',
    );
    expect(verdict({ machine: 'teardown', status: 'SUCCEEDED', output: '{}', startDate, stopDate })).toBe('SUCCEEDED in 12.3 s');
    const torn = j({
      client: { deleted: false, kept: 'NotManaged', id: 'h1', reason: 'no target named HandMade records making it' },
      userPool: { deleted: true, id: 'us-east-1_X' },
      role: { deleted: false, kept: 'StillInUse', id: 'R', reason: 'role R is named by the SMS configuration of user pool us-east-1_H' },
      target: { deleted: false },
    });
    expect(verdict({ machine: 'teardown', status: 'SUCCEEDED', output: torn, startDate, stopDate })).toBe(
      'SUCCEEDED in 12.3 s: deleted pool; client h1 kept (NotManaged: no target named HandMade records making it); ' +
        'role R kept (StillInUse: role R is named by the SMS configuration of user pool us-east-1_H)',
    );
    expect(
      verdict({ machine: 'provision', status: 'FAILED', error: 'SmsRoleTrustMismatch', cause: 'role X', failedIn: 'EnsureSmsRole' }),
    ).toBe('FAILED: SmsRoleTrustMismatch — role X (in EnsureSmsRole)');
  });
});

describe('helpers', () => {
  it('duration: ms under a second, tenths of seconds above', () => {
    expect([duration(0), duration(999), duration(1000), duration(12_345), duration(undefined)]).toEqual([
      '0 ms',
      '999 ms',
      '1.0 s',
      '12.3 s',
      '?',
    ]);
  });

  it('codeWait: which code a wait state awaits, and where its timeout is', () => {
    expect(codeWait('AwaitSignUpCode')).toEqual({ what: 'sign-up', timeoutKey: 'signUpCodeSeconds' });
    expect(codeWait('AwaitMfaCode')).toEqual({ what: 'MFA', timeoutKey: 'mfaCodeSeconds' });
    expect(codeWait('AwaitSignInCode')).toEqual({ what: 'sign-in', timeoutKey: 'signInCodeSeconds' });
    expect(codeWait('SignUp')).toBeUndefined();
  });
});
