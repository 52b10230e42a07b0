import { maskPhone } from '../../lib/phone';
import { extractCode } from '../../lib/sms/extractCode';
import type { InboxSms as InboxSmsWire } from '../../cli/sms';

/**
 * The fake phone's inbox: every SMS the local cloud delivers — Cognito's sign-up and MFA texts
 * (runs' and anybody's, e.g. a person's `aws cognito-idp sign-up`) and End User Messaging's
 * SendTextMessage — kept in arrival order, so a person doing the walkthrough by hand can read the
 * code (GET /sms on inboxServer.ts, `cogcheck sms --local`). Phone numbers are kept whole: this is
 * the user's own local fake phone, and `--phone` must match them; anything printed masks them.
 */
/** The shape `cogcheck sms` reads (cli/sms.ts), and who sent it. */
export interface InboxSms extends InboxSmsWire {
  /** Who sent it: Cognito (the fake phone) or the local End User Messaging (SendTextMessage). */
  via: 'cognito' | 'end-user-messaging';
}

export type InboxListener = (sms: InboxSms) => void;

/** Enough for any walkthrough; the oldest go first, so a long-running cloud stays small. */
const MAX_KEPT = 1000;

export class SmsInbox {
  private readonly messages: InboxSms[] = [];
  private readonly listeners = new Set<InboxListener>();

  /** `runIdOf` finds the run waiting on a phone (the local cloud asks its Step Functions engine). */
  constructor(private readonly runIdOf: (phoneNumber: string) => string | undefined = () => undefined) {}

  receive(sms: { phoneNumber: string; message: string; at?: number | string; via: InboxSms['via'] }): InboxSms {
    let code: string | undefined;
    try {
      code = extractCode(sms.message);
    } catch {
      // No code, or an ambiguous text: kept all the same, the message says what it says.
    }
    const runId = this.runIdOf(sms.phoneNumber);
    const entry: InboxSms = {
      phoneNumber: sms.phoneNumber,
      message: sms.message,
      ...(code !== undefined && { code }),
      receivedAt: new Date(sms.at ?? Date.now()).toISOString(),
      ...(runId !== undefined && { runId }),
      via: sms.via,
    };
    this.messages.push(entry);
    if (this.messages.length > MAX_KEPT) this.messages.splice(0, this.messages.length - MAX_KEPT);
    for (const listener of [...this.listeners]) {
      try {
        listener(entry);
      } catch {
        // A display's bug must not lose an SMS for the others.
      }
    }
    return entry;
  }

  /** Oldest first; only those to `phoneNumber` when given. */
  list(phoneNumber?: string): InboxSms[] {
    return this.messages.filter((m) => phoneNumber === undefined || m.phoneNumber === phoneNumber);
  }

  last(phoneNumber?: string): InboxSms | undefined {
    return this.list(phoneNumber).at(-1);
  }

  onSms(listener: InboxListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** One line for a person: time, masked phone, code, run. */
export function inboxLine(sms: InboxSms): string {
  const time = sms.receivedAt.slice(11, 19);
  return `${time}  ${maskPhone(sms.phoneNumber)}  code ${sms.code ?? '(none)'}${sms.runId ? `  run ${sms.runId}` : ''}`;
}
