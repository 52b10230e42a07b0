import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetPolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 18 item 4, on the local cloud: a stage deployed with smsPath=eums, a pool provisioned with
 * {"smsPath":"eums"}. The pool's SMS go through the local End User Messaging, whose configuration
 * set publishes TEXT_* events to the stack's topic; recordDeliveryEvent attaches them to the run.
 */
let s: ScenarioCloud;
let db: DynamoDBDocumentClient;
let sns: SNSClient;
beforeAll(async () => {
  s = await ScenarioCloud.start({ params: { smsPath: 'eums' }, provisionInput: { smsPath: 'eums' } });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  sns = new SNSClient({});
}, 60_000);
afterAll(async () => {
  db?.destroy();
  sns?.destroy();
  await s?.close();
});

const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
const recorderCalls = () => s.cloud.lambda.invocations.filter((i) => i.functionName === 'recordDeliveryEvent');

describe('SMS delivery evidence through End User Messaging (smsPath eums)', () => {
  it('provisions the pool with SmsConfiguration.EumsSms and the stack configuration set, no SnsCallerArn', async () => {
    const target = JSON.parse((await s.run('provision', { smsPath: 'eums' })).output!);
    const cognito = new CognitoIdentityProviderClient({});
    try {
      const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: target.userPoolId }));
      expect(UserPool?.SmsConfiguration).toEqual({
        EumsSms: { CallerArn: target.roleArn, ExternalId: target.externalId, ConfigurationSetName: 'cognito-sms-mfa-local' },
      });
      expect(target).toMatchObject({
        smsPath: 'eums',
        policyArn: expect.stringMatching(/policy\/cognito-sms-mfa\/cognito-sms-mfa-local-eums-send$/),
      });
    } finally {
      cognito.destroy();
    }
  });

  it("records each SMS's events on the passing run, with Delivered as its evidence", async () => {
    const phone = nextPhone();
    const result = await s.run('verify', { target: s.targetName, phoneNumber: phone });
    expect(result.status).toBe('SUCCEEDED');
    const run = await eventually(
      () => item(`RUN#${result.name}`),
      (r) => (r?.deliveryEvents?.length ?? 0) >= 4,
    );
    // Sign-up code and MFA code: each accepted by the carrier, then delivered (final).
    expect(run!.deliveryEvents.map((e: { eventType: string }) => e.eventType).sort()).toEqual([
      'TEXT_DELIVERED',
      'TEXT_DELIVERED',
      'TEXT_SUCCESSFUL',
      'TEXT_SUCCESSFUL',
    ]);
    expect(run).toMatchObject({ status: 'PASS', deliveryEvidence: 'Delivered' });
    expect(JSON.stringify(run!.deliveryEvents)).not.toContain(phone);
  });

  it("cites the carrier's failure in a failed run's verdict, and attaches a receipt days late without changing the verdict", async () => {
    const phone = nextPhone();
    s.modes.set(phone, 'drop');
    s.cloud.smsVoice.setCarrierOutcome(phone, 'TEXT_CARRIER_UNREACHABLE');
    const result = await s.run('verify', {
      target: s.targetName,
      phoneNumber: phone,
      timeouts: { signUpCodeSeconds: 1 },
      codeRoute: 'callback',
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    const failed = await item(`RUN#${result.name}`);
    expect(failed).toMatchObject({
      status: 'FAIL',
      reason: 'SmsCodeNotReceived',
      deliveryEvidence: 'CarrierUnreachable',
      cause: expect.stringMatching(/End User Messaging says: CarrierUnreachable\.$/),
    });

    // A carrier receipt 50 hours later (AWS allows 72), for the same message: attached, verdict unchanged.
    const text = s.cloud.smsVoice.texts.find((t) => t.destinationPhoneNumber === phone)!;
    const sentAt = Date.parse(text.sentAt);
    const before = recorderCalls().length;
    await sns.send(
      new PublishCommand({
        TopicArn: s.cloud.refs.DeliveryEventsTopic,
        Message: JSON.stringify({
          eventType: 'TEXT_BLOCKED',
          eventVersion: '1.0',
          eventTimestamp: sentAt + 50 * 3600_000,
          isFinal: true,
          destinationPhoneNumber: phone,
          messageId: text.messageId,
          messageRequestTimestamp: sentAt,
        }),
      }),
    );
    const late = await eventually(
      () => item(`RUN#${result.name}`),
      (r) => r?.deliveryEvents?.length === 2,
    );
    expect(late).toMatchObject({ status: 'FAIL', reason: 'SmsCodeNotReceived', cause: failed!.cause, deliveryEvidence: 'Blocked' });
    expect(
      recorderCalls()
        .slice(before)
        .every((i) => i.ok),
    ).toBe(true);
  });

  it('takes an event for a phone no run waits on, a malformed one and a duplicate without error or retry', async () => {
    const before = recorderCalls().length;
    const noRun = {
      eventType: 'TEXT_DELIVERED',
      isFinal: true,
      destinationPhoneNumber: nextPhone(),
      messageId: 'm-none',
      eventTimestamp: Date.now(),
    };
    for (const Message of [
      JSON.stringify(noRun),
      JSON.stringify(noRun),
      '{"eventType":',
      JSON.stringify({ ...noRun, eventType: 'VOICE_COMPLETED' }),
    ])
      await sns.send(new PublishCommand({ TopicArn: s.cloud.refs.DeliveryEventsTopic, Message }));
    const calls = await eventually(
      async () => recorderCalls().slice(before),
      (c) => c.length >= 4,
    );
    // Four notifications (the previous scenario's last invocation may still be counted): none failed, so none was retried.
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.every((c) => c.ok)).toBe(true);
    expect(await item('SEEN#eums-run#m-none')).toBeUndefined();
  });
});

// Last: it tears the scenario's pool down.
describe('teardown of a pool provisioned with smsPath eums', () => {
  it("detaches the stack's send policy so the role and record are deleted, and leaves the policy to CloudFormation", async () => {
    const iam = new IAMClient({});
    const ssm = new SSMClient({});
    const gone = (promise: Promise<unknown>) =>
      promise.then(
        () => 'exists',
        (e: Error) => e.name,
      );
    try {
      // The record names the role it made, and no policy: the stack's EumsSendPolicy on it is not provisioning's
      const target = JSON.parse((await s.run('provision', { smsPath: 'eums' })).output!);
      expect(target.managed).toEqual({ userPoolId: target.userPoolId, clientId: target.clientId, roleName: expect.any(String) });
      const roleName = target.roleArn.split('/').pop();

      const down = await s.run('teardown', {});
      expect(down.status).toBe('SUCCEEDED');
      expect(JSON.parse(down.output!)).toMatchObject({
        userPool: { deleted: true, id: target.userPoolId },
        attachment: { deleted: true, id: target.policyArn },
        policy: { deleted: false, kept: 'NotManaged', id: target.policyArn, reason: expect.stringContaining('CloudFormation') },
        role: { deleted: true, id: roleName },
        target: { deleted: true, id: target.targetParameter },
      });
      expect(await gone(iam.send(new GetRoleCommand({ RoleName: roleName })))).toBe('NoSuchEntityException');
      expect(await gone(ssm.send(new GetParameterCommand({ Name: target.targetParameter })))).toBe('ParameterNotFound');
      // The stack's policy stays: GetPolicy "Retrieves information about the specified managed policy"
      // and fails with NoSuchEntity once it is deleted (IAM API reference, GetPolicy); moto answers the same.
      expect(await gone(iam.send(new GetPolicyCommand({ PolicyArn: target.policyArn })))).toBe('exists');
    } finally {
      iam.destroy();
      ssm.destroy();
    }
  });
});
