import { createServer } from 'node:http';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import type { FunctionConfig, ServerlessConfig } from '../serverlessConfig';
import { listen, readBody } from '../http/server';

/**
 * The local SNS → Lambda link. moto (the local SNS) has no Lambda to call, but it delivers `http`
 * subscriptions: a POST whose JSON body is the SNS notification (moto's sns/models.py,
 * `Subscription.publish` → `get_post_data`). So a loopback server is subscribed, with a real SNS
 * `Subscribe`, once per `sns` event that serverless.yml declares, and each notification becomes
 * the event Lambda gets from SNS, handed to the function as an asynchronous invocation: the
 * notification is acknowledged at once, the function's result is ignored, and a thrown error is
 * retried twice more (Lambda waits about 1 and 2 minutes; here `retryDelaysMs`), then reported
 * as lost, as with no on-failure destination.
 */
export interface SnsLinkOptions {
  config: Pick<ServerlessConfig, 'functions'>;
  /** The topic ARN of an `sns` event's `arn` (a `{ Ref: Topic }`, or an ARN), e.g. through resolveValue. */
  topicArnOf: (value: unknown) => string;
  arnOf: (fn: FunctionConfig) => string;
  /** Runs the function (the local Lambda's invoke). */
  invoke: (functionArn: string, event: SNSEvent) => Promise<unknown>;
  /** Waits before the 2nd and 3rd attempt; default 50 and 100 ms (Lambda: about 1 and 2 minutes). */
  retryDelaysMs?: number[];
  /** Told when a notification is lost after every attempt failed. Never given the message. */
  onFailure?: (failure: SnsDeliveryFailure) => void;
  /** Told after every attempt (for tests and the progress display). */
  onAttempt?: (attempt: SnsAttempt) => void;
  /** Default: an SNS client configured from the environment (AWS_ENDPOINT_URL_SNS). */
  sns?: SNSClient;
  /** Default 127.0.0.1. moto must be able to reach it. */
  host?: string;
  /**
   * The stack's resources that exist (their Conditions hold): an `AWS::SNS::Subscription` with
   * Protocol `lambda` and Endpoint `Fn::GetAtt: [<function>, Arn]` is linked like an `sns` event, for
   * subscriptions that must be conditional (a function's own `sns` event cannot be).
   */
  resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** The `lambda` subscriptions among a stack's resources: which function, on which topic (unresolved). */
export function lambdaSubscriptions(
  resources: NonNullable<SnsLinkOptions['resources']>,
  functions: FunctionConfig[],
): { fn: FunctionConfig; topic: unknown; logicalId: string }[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'lambda')
    .map(([logicalId, r]) => {
      const target = (r.Properties?.Endpoint as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt']?.[0];
      const fn = functions.find((f) => f.logicalId === target);
      if (!fn)
        throw new Error(
          `Resources.${logicalId}: the local cloud links only lambda subscriptions to a function of serverless.yml (Fn::GetAtt [<Function>LambdaFunction, Arn])`,
        );
      return { fn, topic: r.Properties?.TopicArn, logicalId };
    });
}

export interface SnsSubscription {
  functionName: string;
  functionArn: string;
  topicArn: string;
  subscriptionArn: string;
  endpoint: string;
}
export interface SnsAttempt {
  functionName: string;
  messageId: string;
  attempt: number;
  ok: boolean;
  errorName?: string;
}
export interface SnsDeliveryFailure {
  functionName: string;
  messageId: string;
  topicArn: string;
  attempts: number;
  error: Error;
}

export interface SnsLink {
  url: string;
  subscriptions: SnsSubscription[];
  /** Resolves once every notification received so far has been handled (or given up). */
  idle(): Promise<void>;
  /** Unsubscribes, waits for deliveries in flight, and stops the server. */
  close(): Promise<void>;
}

/** The notification moto (and SNS) POSTs to an http subscriber. */
interface HttpNotification {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Lambda's SNS event for one notification (note `SigningCertUrl`/`UnsubscribeUrl`, not `...URL`). */
export function lambdaSnsEvent(notification: HttpNotification, subscriptionArn: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: notification.Type,
          MessageId: notification.MessageId,
          TopicArn: notification.TopicArn,
          // Lambda sends null for a message published without a subject.
          Subject: (notification.Subject ?? null) as unknown as string,
          Message: notification.Message,
          Timestamp: notification.Timestamp,
          SignatureVersion: notification.SignatureVersion,
          Signature: notification.Signature,
          SigningCertUrl: notification.SigningCertURL,
          UnsubscribeUrl: notification.UnsubscribeURL,
          MessageAttributes: notification.MessageAttributes ?? {},
        },
      },
    ],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function linkSnsToLambda(opts: SnsLinkOptions): Promise<SnsLink> {
  const sns = opts.sns ?? new SNSClient({});
  const ownClient = !opts.sns;
  const delays = opts.retryDelaysMs ?? [50, 100];
  const byPath = new Map<string, SnsSubscription>();
  const inFlight = new Set<Promise<void>>();

  const deliver = async (sub: SnsSubscription, notification: HttpNotification) => {
    const event = lambdaSnsEvent(notification, sub.subscriptionArn);
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.invoke(sub.functionArn, event);
        opts.onAttempt?.({ functionName: sub.functionName, messageId: notification.MessageId, attempt, ok: true });
        return;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        opts.onAttempt?.({ functionName: sub.functionName, messageId: notification.MessageId, attempt, ok: false, errorName: err.name });
        if (attempt > delays.length) {
          opts.onFailure?.({
            functionName: sub.functionName,
            messageId: notification.MessageId,
            topicArn: notification.TopicArn,
            attempts: attempt,
            error: err,
          });
          return;
        }
        await sleep(delays[attempt - 1]);
      }
    }
  };
  const track = (work: Promise<void>) => {
    const tracked = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        const sub = req.method === 'POST' ? byPath.get((req.url ?? '').split('?')[0]) : undefined;
        if (!sub) {
          res.writeHead(404).end();
          return;
        }
        let notification: HttpNotification;
        try {
          notification = JSON.parse(raw) as HttpNotification;
        } catch {
          res.writeHead(400).end();
          return;
        }
        // SNS retries an http endpoint that does not answer 2xx; the function's own failures are
        // Lambda's to retry, so the notification is acknowledged before the function runs.
        res.writeHead(200).end();
        // moto confirms http subscriptions itself; a SubscriptionConfirmation or
        // UnsubscribeConfirmation is nothing a function receives.
        if (notification?.Type !== 'Notification') return;
        track(deliver(sub, notification));
      },
      () => res.destroy(),
    );
  });
  const listening = await listen(server, { host: opts.host });
  const url = listening.url;

  const idle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  const subscriptions: SnsSubscription[] = [];
  const close = async () => {
    await Promise.all(
      subscriptions.map((s) =>
        sns
          .send(new UnsubscribeCommand({ SubscriptionArn: s.subscriptionArn }), { abortSignal: AbortSignal.timeout(2000) })
          .catch(() => undefined),
      ),
    );
    await idle();
    await listening.close().catch(() => undefined);
    if (ownClient) sns.destroy();
  };

  try {
    const links = [
      ...opts.config.functions.flatMap((fn) => (fn.snsEvents ?? []).map((event, index) => ({ fn, topic: event.arn, key: String(index) }))),
      ...lambdaSubscriptions(opts.resources ?? {}, opts.config.functions).map((l) => ({ fn: l.fn, topic: l.topic, key: l.logicalId })),
    ];
    for (const { fn, topic, key } of links) {
      const topicArn = opts.topicArnOf(topic);
      if (!topicArn.startsWith('arn:'))
        throw new Error(`functions.${fn.name}: the sns event's topic resolved to "${topicArn}", not an ARN`);
      const path = `/sns/${encodeURIComponent(fn.name)}/${encodeURIComponent(key)}`;
      const endpoint = `${url}${path}`;
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint, ReturnSubscriptionArn: true }),
      );
      const sub = { functionName: fn.name, functionArn: opts.arnOf(fn), topicArn, subscriptionArn: SubscriptionArn!, endpoint };
      byPath.set(path, sub);
      subscriptions.push(sub);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, subscriptions, idle, close };
}
