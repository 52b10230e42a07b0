import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { localCloudEndpoints } from '../../local/cliEndpoints';
import { startLocalCloud } from '../../local/cloud';
import type { AcceptanceTarget } from './acceptanceTarget';

/** The local stand-in for a stage's check phone: an End User Messaging number with two-way SMS. */
export const LOCAL_CHECK_PHONE = '+15555550100';

/**
 * `TEST_MODE=local` (default): a fresh embedded local cloud set up as an operator sets up a stage —
 * codes come back by the production route (inbound two-way SMS, after a carrier-like delay) and
 * the default target is provisioned once — so the acceptance steps meet what they meet on a stage.
 */
export async function localTarget(): Promise<AcceptanceTarget> {
  const cloud = await startLocalCloud({
    codeSource: 'inbound-sms',
    inboundPhoneNumber: LOCAL_CHECK_PHONE,
    // An SMS takes seconds on a carrier; here long enough for a step to answer a wait first.
    smsDelayMs: 400,
    retryIntervalScale: 0.05,
  });
  try {
    const endpoints = localCloudEndpoints(cloud);
    const sfn = new SFNClient({ region: endpoints.region });
    try {
      // The operator's first provisioning after `sls deploy`, with the walkthrough's defaults.
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: endpoints.stateMachines.provision, input: '{}' }),
      );
      await cloud.engine.waitForExecution(executionArn!);
      const provision = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (provision.status !== 'SUCCEEDED') throw new Error(`local provisioning failed: ${provision.error}: ${provision.cause}`);
      return {
        mode: 'local',
        where: 'the local cloud',
        endpoints,
        callbackSecret: cloud.callbackSecret,
        check: { target: (JSON.parse(provision.output!) as { targetName: string }).targetName, phoneNumber: LOCAL_CHECK_PHONE },
        close: () => cloud.close(),
      };
    } finally {
      sfn.destroy();
    }
  } catch (error) {
    await cloud.close();
    throw error;
  }
}
