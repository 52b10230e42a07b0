import type { Context } from 'cognito-local/lib/services/context';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Messages } from 'cognito-local/lib/services/messages';
import type { DeliveryDetails } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import type { User } from 'cognito-local/lib/services/userPoolService';

export interface SentSms {
  kind: 'SIGN_UP' | 'MFA' | 'OTHER';
  phoneNumber: string;
  code: string;
  message: string;
  userPoolId: string;
  username: string;
  at: number;
}

export type SmsListener = (sms: SentSms) => void;

/** A context that carries the SMS produced while one API call runs (see FakePhone.deliverLater). */
export interface OutboxContext extends Context {
  outbox?: SentSms[];
}

type MessageSource = Parameters<Messages['deliver']>[1];

// Cognito's default texts (used when the pool sets no SmsVerificationMessage/SmsAuthenticationMessage).
const DEFAULT_SIGN_UP_SMS = 'Your verification code is {####}. ';
const DEFAULT_MFA_SMS = 'Your authentication code is {####}. ';
const MAX_KEPT = 1000;

function kindOf(source: MessageSource): SentSms['kind'] {
  if (source === 'SignUp' || source === 'ResendCode') return 'SIGN_UP';
  if (source === 'Authentication') return 'MFA';
  return 'OTHER';
}

/**
 * The phone that receives every SMS cognito-local would send.
 *
 * It replaces cognito-local's `Messages` service rather than its `MessageSender`: the sender
 * only gets (user, destination, message.__code), while we also need the pool id and why the
 * code was sent (sign-up vs MFA) to route it to the right waiting run. Codes are never printed:
 * the only way out is `sent` and the listeners.
 */
export class FakePhone {
  readonly sent: SentSms[] = [];
  private readonly listeners = new Set<SmsListener>();

  onSms(listener: SmsListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records the SMS and tells the listeners; a failing listener never breaks the API call. */
  deliver(sms: SentSms): void {
    const delivered = { ...sms, at: Date.now() };
    this.sent.push(delivered);
    if (this.sent.length > MAX_KEPT) this.sent.splice(0, this.sent.length - MAX_KEPT);
    for (const listener of [...this.listeners]) {
      try {
        const result: unknown = listener(delivered);
        if (result instanceof Promise) result.catch(() => undefined);
      } catch {
        // A listener's bug must not turn into a Cognito error.
      }
    }
  }

  /**
   * cognito-local sends the sign-up SMS *before* it saves the user, so a listener that answers
   * at once (ConfirmSignUp) could race the save. Like a real SMS, the message therefore arrives
   * only after the API call that caused it has finished: the router collects it in the request
   * context's outbox and flushes it when the call returns.
   */
  deliverLater(ctx: OutboxContext, sms: SentSms): void {
    if (ctx.outbox) ctx.outbox.push(sms);
    else this.deliver(sms);
  }

  /** The `Messages` service to give cognito-local. */
  messages(cognito: CognitoService): Messages {
    return {
      deliver: async (ctx, source, _clientId, userPoolId, user: User, code, _meta, details: DeliveryDetails) => {
        // Only SMS exist in this flow; an email has nowhere to go and is dropped.
        if (details.DeliveryMedium !== 'SMS') return;
        const pool = await cognito.getUserPool(ctx, userPoolId);
        const kind = kindOf(source);
        const template =
          kind === 'MFA'
            ? (pool.options.SmsAuthenticationMessage ?? DEFAULT_MFA_SMS)
            : (pool.options.VerificationMessageTemplate?.SmsMessage ??
              pool.options.SmsVerificationMessage ??
              DEFAULT_SIGN_UP_SMS);
        this.deliverLater(ctx, {
          kind,
          phoneNumber: details.Destination,
          code,
          message: template.replace('{####}', code),
          userPoolId,
          username: user.Username,
          at: Date.now(),
        });
      },
    };
  }
}
