import type { Context } from 'cognito-local/lib/services/context';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Messages } from 'cognito-local/lib/services/messages';
import type { DeliveryDetails } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import type { User } from 'cognito-local/lib/services/userPoolService';
import { LocalCustomSmsSender, type CognitoMessageSource, type InvokeFunction, type LocalCustomSmsSenderOptions } from './customSender';

export interface SentSms {
  kind: 'SIGN_UP' | 'MFA' | 'OTHER';
  phoneNumber: string;
  code: string;
  message: string;
  userPoolId: string;
  username: string;
  at: number;
  /** The Region whose SMS configuration sent it (the primary's, or a replica's); set by the replicas fix. */
  region?: string;
  /** The SMS configuration's IAM role (SnsCallerArn) it was sent with. */
  snsCallerArn?: string;
  /**
   * Set when the pool sends through AWS End User Messaging SMS (SmsConfiguration.EumsSms, issue 18):
   * the local cloud then also sends it through the local End User Messaging with this configuration set.
   */
  eums?: { configurationSetName?: string; originationIdentity?: string };
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
  private customSender?: LocalCustomSmsSender;
  /** Outbox entries that stand for a Custom SMS Sender hand-over, not an SMS (see messages()). */
  private readonly handovers = new WeakMap<SentSms, () => void>();

  /**
   * Attaches the Lambda runtime that pools with a Custom SMS Sender hand their codes to (the
   * local cloud passes its in-process Lambda `invoke`). Without one, such a pool's codes are lost
   * with a line on stderr, as they would be with a sender Cognito cannot invoke.
   */
  useCustomSmsSender(invoke: InvokeFunction | LocalCustomSmsSenderOptions | undefined): LocalCustomSmsSender | undefined {
    this.customSender = invoke === undefined ? undefined : new LocalCustomSmsSender(typeof invoke === 'function' ? { invoke } : invoke);
    return this.customSender;
  }

  /** The Custom SMS Sender hand-overs (no codes), for tests and for a person to look at. */
  get customSmsSender(): LocalCustomSmsSender | undefined {
    return this.customSender;
  }

  onSms(listener: SmsListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Records the SMS and tells the listeners; a failing listener never breaks the API call. */
  deliver(sms: SentSms): void {
    const handover = this.handovers.get(sms);
    if (handover) {
      this.handovers.delete(sms);
      handover();
      return;
    }
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
      deliver: async (ctx, source, clientId, userPoolId, user: User, code, clientMetadata, details: DeliveryDetails) => {
        // Only SMS exist in this flow; an email has nowhere to go and is dropped.
        if (details.DeliveryMedium !== 'SMS') return;
        const pool = await cognito.getUserPool(ctx, userPoolId);
        const kind = kindOf(source);
        const lambdaConfig = pool.options.LambdaConfig;
        if (lambdaConfig?.CustomSMSSender?.LambdaArn) {
          // Cognito sends no SMS for this pool: the code goes, encrypted, to its Custom SMS Sender,
          // which Cognito invokes asynchronously, so only once the API call is over.
          const userAttributes = Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name, a.Value ?? '']));
          const handover = {
            source: source as CognitoMessageSource,
            userPoolId,
            clientId,
            clientMetadata,
            username: user.Username,
            userAttributes: { ...userAttributes, 'cognito:user_status': user.UserStatus ?? 'UNCONFIRMED' },
            code,
            lambdaArn: lambdaConfig.CustomSMSSender.LambdaArn,
            kmsKeyId: lambdaConfig.KMSKeyID,
          };
          const placeholder: SentSms = {
            kind,
            phoneNumber: details.Destination,
            code: '',
            message: '',
            userPoolId,
            username: user.Username,
            at: Date.now(),
          };
          this.handovers.set(placeholder, () => {
            if (this.customSender) this.customSender.send(handover);
            else
              process.stderr.write(
                `local cognito: pool ${userPoolId} has a Custom SMS Sender but no Lambda runtime is attached; its ${source} code is lost\n`,
              );
          });
          this.deliverLater(ctx, placeholder);
          return;
        }
        const template =
          kind === 'MFA'
            ? (pool.options.SmsAuthenticationMessage ?? DEFAULT_MFA_SMS)
            : (pool.options.VerificationMessageTemplate?.SmsMessage ?? pool.options.SmsVerificationMessage ?? DEFAULT_SIGN_UP_SMS);
        const eums = (
          pool.options.SmsConfiguration as { EumsSms?: { ConfigurationSetName?: string; OriginationIdentity?: string } } | undefined
        )?.EumsSms;
        this.deliverLater(ctx, {
          kind,
          phoneNumber: details.Destination,
          code,
          message: template.replace('{####}', code),
          userPoolId,
          username: user.Username,
          at: Date.now(),
          ...(eums && {
            eums: {
              ...(eums.ConfigurationSetName && { configurationSetName: eums.ConfigurationSetName }),
              ...(eums.OriginationIdentity && { originationIdentity: eums.OriginationIdentity }),
            },
          }),
        });
      },
    };
  }
}
