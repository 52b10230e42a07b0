import { randomUUID } from 'node:crypto';
import {
  CreateSMSSandboxPhoneNumberCommand,
  GetSMSSandboxAccountStatusCommand,
  ListSMSSandboxPhoneNumbersCommand,
  SNSClient,
  VerifySMSSandboxPhoneNumberCommand,
} from '@aws-sdk/client-sns';
import { maskPhone } from '../lib/phone';
import { registerWait } from '../lib/runs/registerWait';
import { releasePhone } from '../lib/runs/releasePhone';
import { takeLease } from '../lib/runs/takeLease';
import { takeCode } from '../lib/runs/takeCode';

export interface SandboxOptions {
  phone: string;
  /** How long the one-time password may take to come back through the inbound route. */
  timeoutSeconds?: number;
  pollMs?: number;
  log: (line: string) => void;
  sns?: SNSClient;
}

export type SandboxResult = 'NotInSandbox' | 'AlreadyVerified' | 'Verified';

/**
 * First-time set-up of a check phone while the account is in the SNS SMS sandbox, with no hand
 * step: the number is added as a sandbox destination, SNS texts it a one-time password, the
 * stack's inbound route (two-way SMS or the Twilio webhook) stores that password on a wait opened
 * here, exactly as it stores a check's codes, and it is read back and verified. The wait is of
 * step SANDBOX and has no task token, so no run can take it for its own code, nor it a run's.
 * The password is never printed.
 */
export async function verifySandboxPhone(opts: SandboxOptions): Promise<SandboxResult> {
  const sns = opts.sns ?? new SNSClient({});
  const masked = maskPhone(opts.phone);
  try {
    const { IsInSandbox } = await sns.send(new GetSMSSandboxAccountStatusCommand({}));
    if (!IsInSandbox) {
      opts.log('This account is out of the SMS sandbox: SMS reach any number; nothing to do.');
      return 'NotInSandbox';
    }
    if (await isVerified(sns, opts.phone)) {
      opts.log(`${masked} is already a verified sandbox destination.`);
      return 'AlreadyVerified';
    }
    const id = `sandbox-${randomUUID()}`;
    const timeoutSeconds = opts.timeoutSeconds ?? 300;
    // The phone's lease, as a run takes it: no scheduled check uses the phone meanwhile, and
    // none is using it now (PhoneBusy). The wait is opened before the password is sent, so a
    // fast SMS is kept, not refused.
    await takeLease(opts.phone, id, timeoutSeconds + 60);
    try {
      await registerWait(opts.phone, id, 'SANDBOX', timeoutSeconds);
      await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: opts.phone, LanguageCode: 'en-US' }));
      opts.log(`SNS is texting a one-time password to ${masked}; waiting for it on the inbound route (up to ${timeoutSeconds} s)…`);
      const password = await waitForCode(opts.phone, id, timeoutSeconds * 1000, opts.pollMs ?? 2000);
      await sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: opts.phone, OneTimePassword: password }));
    } finally {
      // Closes the wait and frees the lease (both only if still ours).
      await releasePhone(opts.phone, id);
    }
    opts.log(`${masked} is now a verified SMS sandbox destination.`);
    return 'Verified';
  } finally {
    if (!opts.sns) sns.destroy();
  }
}

async function isVerified(sns: SNSClient, phone: string): Promise<boolean> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSMSSandboxPhoneNumbersCommand({ NextToken }));
    if (page.PhoneNumbers?.some((p) => p.PhoneNumber === phone && p.Status === 'Verified')) return true;
    NextToken = page.NextToken;
  } while (NextToken);
  return false;
}

async function waitForCode(phone: string, id: string, timeoutMs: number, pollMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await takeCode(phone, id, 'SANDBOX')).code;
    } catch (error) {
      if ((error as Error).name !== 'SmsCodeNotReceived') throw error;
    }
    if (Date.now() >= deadline) {
      throw Object.assign(
        new Error(
          `No one-time password reached the inbound route for ${maskPhone(phone)} within ${Math.round(timeoutMs / 1000)} s: ` +
            "check that the number is the stage's inbound number (inboundPhoneNumberId) and that provisioning wired its two-way channel",
        ),
        { name: 'SandboxPasswordNotReceived' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
