import { createHash, randomUUID } from 'node:crypto';
import { AWS_JSON_1_0, parseJsonObject, startAwsJsonServer, type AwsJsonAnswer } from '../http/awsJsonServer';
import type { ListenOptions } from '../http/server';

/**
 * A small local AWS End User Messaging SMS ("Pinpoint SMS Voice V2", service `sms-voice`), which
 * moto does not have: the calls this stack makes (DescribePhoneNumbers, UpdatePhoneNumber,
 * SendTextMessage), over the AWS JSON 1.0 protocol exactly as the SDK and the AWS CLI send it
 * (`POST /`, `X-Amz-Target: PinpointSMSVoiceV2.<Operation>`), with AWS-shaped errors. Point
 * clients here with AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2. The phone numbers are seeded at start
 * (nobody can buy one locally); SendTextMessage records each text and tells listeners.
 */
export const TARGET_PREFIX = 'PinpointSMSVoiceV2.';
export const CONTENT_TYPE = AWS_JSON_1_0;
const ERROR_NAMESPACE = 'com.amazonaws.pinpointsmsvoicev2#';

export type NumberCapability = 'SMS' | 'VOICE' | 'MMS' | 'RCS';

export interface SeedPhoneNumber {
  /** E.164, e.g. +12065550142. */
  phoneNumber: string;
  /** Default: `phone-` + 32 hex digits derived from the number (stable across starts). */
  phoneNumberId?: string;
  status?: 'ACTIVE' | 'PENDING' | 'ASSOCIATING' | 'DISASSOCIATING' | 'DELETED';
  numberCapabilities?: NumberCapability[];
  numberType?: 'SHORT_CODE' | 'LONG_CODE' | 'TOLL_FREE' | 'TEN_DLC' | 'SIMULATOR';
  isoCountryCode?: string;
  messageType?: 'TRANSACTIONAL' | 'PROMOTIONAL';
  twoWayEnabled?: boolean;
  twoWayChannelArn?: string;
  twoWayChannelRole?: string;
  poolId?: string;
}

/** A phone number as DescribePhoneNumbers answers it (`PhoneNumberInformation`, timestamps in epoch seconds on the wire). */
export interface PhoneNumberRecord {
  PhoneNumberArn: string;
  PhoneNumberId: string;
  PhoneNumber: string;
  Status: string;
  IsoCountryCode: string;
  MessageType: string;
  NumberCapabilities: NumberCapability[];
  NumberType: string;
  MonthlyLeasingPrice: string;
  TwoWayEnabled: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
  InternationalSendingEnabled: boolean;
  DeletionProtectionEnabled: boolean;
  PoolId?: string;
  CreatedTimestamp: number;
}

/** One SendTextMessage call. */
export interface SentText {
  messageId: string;
  destinationPhoneNumber: string;
  /** As the request named it (id, ARN or number), if it did. */
  originationIdentity?: string;
  /** The number it was sent from. */
  originationNumber: string;
  messageBody: string;
  messageType?: string;
  sentAt: string;
}

export interface SmsVoiceServerOptions extends ListenOptions {
  phoneNumbers?: SeedPhoneNumber[];
  region?: string;
  accountId?: string;
  /**
   * Publishes an event to an SNS event destination (the local cloud: moto's SNS Publish). Without
   * it, events are only kept in `events`.
   */
  publish?: (topicArn: string, message: string) => Promise<void>;
  /** How long after a send its events are published (ms); default 5. */
  eventDelayMs?: number;
}

/**
 * A configuration set and its event destinations (CreateConfigurationSet, CreateEventDestination;
 * CloudFormation's AWS::SMSVOICE::ConfigurationSet makes both). Only SNS destinations are served.
 */
export interface ConfigurationSetRecord {
  ConfigurationSetArn: string;
  ConfigurationSetName: string;
  EventDestinations: {
    EventDestinationName: string;
    Enabled: boolean;
    MatchingEventTypes: string[];
    SnsDestination?: { TopicArn: string };
  }[];
  CreatedTimestamp: number;
}

/** One SMS event as End User Messaging publishes it (its documented JSON), and where it went. */
export interface PublishedSmsEvent {
  topicArn?: string;
  event: Record<string, unknown>;
}

/** What the carrier does with texts to a phone: deliver (default), or fail with a TEXT_* failure event. */
export type CarrierOutcome =
  'TEXT_DELIVERED' | 'TEXT_CARRIER_UNREACHABLE' | 'TEXT_BLOCKED' | 'TEXT_TTL_EXPIRED' | 'TEXT_UNREACHABLE' | 'TEXT_SPAM' | 'TEXT_UNKNOWN';

export interface SmsVoiceServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** The account's numbers, live: tests may read and change them. */
  numbers: PhoneNumberRecord[];
  /** Every text sent (DryRun excluded). */
  texts: SentText[];
  /** Called for each text sent; returns an unsubscribe function. A listener's error is swallowed. */
  onText(listener: (text: SentText) => void): () => void;
  /**
   * Where End User Messaging would publish an SMS that this number receives: its two-way channel
   * when two-way SMS is enabled, else undefined (the SMS reaches no application).
   */
  twoWayChannelOf(phoneNumber: string): string | undefined;
  addPhoneNumber(seed: SeedPhoneNumber): PhoneNumberRecord;
  /** The account's configuration sets, by name, live. */
  configurationSets: Map<string, ConfigurationSetRecord>;
  /** What CloudFormation's AWS::SMSVOICE::ConfigurationSet does: the set and its destinations. */
  createConfigurationSet(name: string, destinations?: ConfigurationSetRecord['EventDestinations']): ConfigurationSetRecord;
  /**
   * SendTextMessage in process (as Cognito calls it with its SMS role); errors as the API throws
   * them. `quiet`: the text is recorded and its events made, but `onText` listeners are not told
   * (the fake phone got this SMS from Cognito's stand-in already).
   */
  sendTextMessage(body: Record<string, unknown>, opts?: { quiet?: boolean }): { MessageId: string };
  /** Every SMS event made for a text sent through a configuration set (published or not). */
  events: PublishedSmsEvent[];
  /** Makes the carrier fail (or deliver, with undefined) the texts to a phone from now on. */
  setCarrierOutcome(phoneNumber: string, outcome: CarrierOutcome | undefined): void;
  /** Resolves when every event scheduled so far was published. */
  eventsIdle(): Promise<void>;
}

export class SmsVoiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly httpStatus = name === 'InternalServerException' ? 500 : 400,
  ) {
    super(message);
  }
}

const PHONE_ID_OR_ARN = /^[A-Za-z0-9_:/-]+$/;
const PHONE_NUMBER = /^\+?[1-9][0-9]{1,18}$/;
const ORIGINATION_IDENTITY = /^[A-Za-z0-9_:/+-]+$/;
const FILTERS: Record<string, (n: PhoneNumberRecord) => string[]> = {
  status: (n) => [n.Status],
  'iso-country-code': (n) => [n.IsoCountryCode],
  'message-type': (n) => [n.MessageType],
  'number-capability': (n) => n.NumberCapabilities,
  'number-type': (n) => [n.NumberType],
  'two-way-enabled': (n) => [String(n.TwoWayEnabled)],
  'self-managed-opt-outs-enabled': (n) => [String(n.SelfManagedOptOutsEnabled)],
  'opt-out-list-name': (n) => [n.OptOutListName],
  'deletion-protection-enabled': (n) => [String(n.DeletionProtectionEnabled)],
  'two-way-channel-arn': (n) => (n.TwoWayChannelArn ? [n.TwoWayChannelArn] : []),
};

const invalid = (field: string, message: string, reason = 'FIELD_VALIDATION_FAILED') =>
  new SmsVoiceError('ValidationException', message, { Reason: reason, Fields: [{ Name: field, Message: message }] });

function checkString(
  body: Body,
  field: string,
  opts: { required?: boolean; min: number; max: number; pattern?: RegExp },
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (opts.required)
      throw invalid(
        field,
        `1 validation error detected: Value null at '${lower(field)}' failed to satisfy constraint: Member must not be null`,
        'MISSING_PARAMETER',
      );
    return undefined;
  }
  if (typeof value !== 'string') throw new SmsVoiceError('SerializationException', `${field} must be a string`);
  if (value.length < opts.min || value.length > opts.max) {
    throw invalid(
      field,
      `1 validation error detected: Value at '${lower(field)}' failed to satisfy constraint: Member must have length between ${opts.min} and ${opts.max}`,
    );
  }
  if (opts.pattern && !opts.pattern.test(value)) {
    throw invalid(
      field,
      `1 validation error detected: Value at '${lower(field)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${opts.pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  }
  return value;
}

function checkBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new SmsVoiceError('SerializationException', `${field} must be a boolean`);
  return value;
}

const lower = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);

type Body = Record<string, unknown>;

export function startSmsVoiceServer(opts: SmsVoiceServerOptions = {}): Promise<SmsVoiceServer> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const numbers: PhoneNumberRecord[] = [];
  const texts: SentText[] = [];
  const listeners = new Set<(text: SentText) => void>();
  const configurationSets = new Map<string, ConfigurationSetRecord>();
  const events: PublishedSmsEvent[] = [];
  const carrier = new Map<string, CarrierOutcome>();
  const pending = new Set<Promise<void>>();
  const eventDelayMs = opts.eventDelayMs ?? 5;
  /** Set only while sendTextMessage({ quiet }) runs (SendTextMessage is synchronous). */
  let quiet = false;

  const CONFIG_SET_NAME = /^[A-Za-z0-9_-]+$/;
  function createConfigurationSet(name: string, destinations: ConfigurationSetRecord['EventDestinations'] = []): ConfigurationSetRecord {
    if (!CONFIG_SET_NAME.test(name) || name.length > 64) throw invalid('ConfigurationSetName', `Invalid configuration set name ${name}`);
    if (configurationSets.has(name))
      throw new SmsVoiceError('ConflictException', `The configuration set ${name} already exists.`, {
        Reason: 'RESOURCE_ALREADY_EXISTS',
        ResourceType: 'configuration-set',
        ResourceId: name,
      });
    const record: ConfigurationSetRecord = {
      ConfigurationSetArn: `arn:aws:sms-voice:${region}:${accountId}:configuration-set/${name}`,
      ConfigurationSetName: name,
      EventDestinations: destinations.map((d) => ({ ...d })),
      CreatedTimestamp: Math.floor(Date.now() / 1000),
    };
    configurationSets.set(name, record);
    return record;
  }
  const findSet = (nameOrArn: string) =>
    configurationSets.get(nameOrArn) ?? [...configurationSets.values()].find((c) => c.ConfigurationSetArn === nameOrArn);
  const setNotFound = (name: string) =>
    new SmsVoiceError('ResourceNotFoundException', `The configuration set ${name} does not exist.`, {
      ResourceType: 'configuration-set',
      ResourceId: name,
    });

  /**
   * The events End User Messaging would publish for a text (User Guide, "Event types for SMS, MMS,
   * and voice" and "Example SMS event data"): accepted by the carrier (TEXT_SUCCESSFUL, not final)
   * then TEXT_DELIVERED (final); or one final failure event when the carrier fails the phone.
   */
  function emitEvents(set: ConfigurationSetRecord, text: SentText, requestedAt: number): void {
    const outcome = carrier.get(text.destinationPhoneNumber) ?? 'TEXT_DELIVERED';
    const sequence: [string, boolean, string][] =
      outcome === 'TEXT_DELIVERED'
        ? [
            ['TEXT_SUCCESSFUL', false, 'SUCCESSFUL'],
            ['TEXT_DELIVERED', true, 'DELIVERED'],
          ]
        : [[outcome, true, outcome.replace(/^TEXT_/, '')]];
    for (const [index, [eventType, isFinal, status]] of sequence.entries()) {
      const event = {
        eventType,
        eventVersion: '1.0',
        eventTimestamp: requestedAt + eventDelayMs * (index + 1),
        isFinal,
        originationPhoneNumber: text.originationNumber,
        destinationPhoneNumber: text.destinationPhoneNumber,
        isInternationalSend: false,
        mcc: '310',
        mnc: '260',
        messageId: text.messageId,
        messageRequestTimestamp: requestedAt,
        messageEncoding: 'GSM',
        messageType: text.messageType ?? 'TRANSACTIONAL',
        messageStatus: status,
        messageStatusDescription: `local carrier: ${status}`,
        totalMessageParts: 1,
      };
      for (const d of set.EventDestinations) {
        const matches = d.MatchingEventTypes.some((t) => t === 'ALL' || t === 'TEXT_ALL' || t === eventType);
        if (!d.Enabled || !matches) continue;
        const topicArn = d.SnsDestination?.TopicArn;
        events.push({ ...(topicArn && { topicArn }), event });
        if (!topicArn || !opts.publish) continue;
        const publish = opts.publish;
        const work = new Promise<void>((resolve) => setTimeout(resolve, eventDelayMs * (index + 1)))
          .then(() => publish(topicArn, JSON.stringify(event)))
          .catch((error: unknown) => {
            process.stderr.write(`local End User Messaging: an event to ${topicArn} was not published: ${String(error)}\n`);
          })
          .finally(() => pending.delete(work));
        pending.add(work);
      }
    }
  }

  function addPhoneNumber(seed: SeedPhoneNumber): PhoneNumberRecord {
    if (!PHONE_NUMBER.test(seed.phoneNumber) || !seed.phoneNumber.startsWith('+'))
      throw new Error(`Seed phone number ${seed.phoneNumber} is not E.164`);
    const id = seed.phoneNumberId ?? `phone-${createHash('sha256').update(seed.phoneNumber).digest('hex').slice(0, 32)}`;
    if (numbers.some((n) => n.PhoneNumberId === id || n.PhoneNumber === seed.phoneNumber))
      throw new Error(`Phone number ${seed.phoneNumber} (${id}) is seeded twice`);
    const record: PhoneNumberRecord = {
      PhoneNumberArn: `arn:aws:sms-voice:${region}:${accountId}:phone-number/${id}`,
      PhoneNumberId: id,
      PhoneNumber: seed.phoneNumber,
      Status: seed.status ?? 'ACTIVE',
      IsoCountryCode: seed.isoCountryCode ?? 'US',
      MessageType: seed.messageType ?? 'TRANSACTIONAL',
      NumberCapabilities: seed.numberCapabilities ?? ['SMS', 'VOICE'],
      NumberType: seed.numberType ?? 'TOLL_FREE',
      MonthlyLeasingPrice: '2.00',
      TwoWayEnabled: seed.twoWayEnabled ?? false,
      ...(seed.twoWayChannelArn && { TwoWayChannelArn: seed.twoWayChannelArn }),
      ...(seed.twoWayChannelRole && { TwoWayChannelRole: seed.twoWayChannelRole }),
      SelfManagedOptOutsEnabled: false,
      OptOutListName: 'Default',
      InternationalSendingEnabled: false,
      DeletionProtectionEnabled: false,
      ...(seed.poolId && { PoolId: seed.poolId }),
      CreatedTimestamp: Math.floor(Date.now() / 1000),
    };
    numbers.push(record);
    return record;
  }
  for (const seed of opts.phoneNumbers ?? []) addPhoneNumber(seed);

  /** By id, ARN (of this account and region) or, for an origination identity, the number itself. */
  const find = (idOrArn: string, byNumber = false) =>
    numbers.find((n) => n.PhoneNumberId === idOrArn || n.PhoneNumberArn === idOrArn || (byNumber && n.PhoneNumber === idOrArn));
  const notFound = (id: string) =>
    new SmsVoiceError('ResourceNotFoundException', `The phone number ${id} does not exist.`, {
      ResourceType: 'phone-number',
      ResourceId: id,
    });

  const operations: Record<string, (body: Body) => unknown> = {
    DescribePhoneNumbers(body) {
      const ids = body.PhoneNumberIds;
      if (ids !== undefined && (!Array.isArray(ids) || ids.length > 5))
        throw invalid('PhoneNumberIds', 'PhoneNumberIds must be a list of at most 5 ids or ARNs');
      const filters = body.Filters ?? [];
      if (!Array.isArray(filters) || filters.length > 20) throw invalid('Filters', 'Filters must be a list of at most 20 filters');
      let found: PhoneNumberRecord[];
      if (ids && ids.length > 0) {
        found = ids.map((id, i) => {
          checkString({ [`PhoneNumberIds.${i}`]: id }, `PhoneNumberIds.${i}`, {
            min: 1,
            max: 256,
            pattern: PHONE_ID_OR_ARN,
            required: true,
          });
          const number = find(id as string);
          if (!number) throw notFound(id as string);
          return number;
        });
      } else {
        found = [...numbers];
      }
      for (const filter of filters as { Name?: unknown; Values?: unknown }[]) {
        const read = FILTERS[String(filter?.Name)];
        if (!read) throw invalid('Filters', `Unknown filter name ${String(filter?.Name)}`, 'INVALID_FILTER_VALUES');
        if (!Array.isArray(filter.Values) || filter.Values.length === 0)
          throw invalid('Filters', 'A filter needs 1-20 Values', 'INVALID_FILTER_VALUES');
        const values = filter.Values.map(String);
        found = found.filter((n) => read(n).some((v) => values.includes(v)));
      }
      const max = body.MaxResults === undefined ? 100 : Number(body.MaxResults);
      if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('MaxResults', 'MaxResults must be between 1 and 100');
      let start = 0;
      if (body.NextToken !== undefined) {
        start = Number(Buffer.from(String(body.NextToken), 'base64url').toString('utf8'));
        if (!Number.isInteger(start) || start < 0) throw invalid('NextToken', 'The NextToken is not valid', 'INVALID_NEXT_TOKEN');
      }
      const page = found.slice(start, start + max);
      const next = start + max < found.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
      return { PhoneNumbers: page, ...(next && { NextToken: next }) };
    },

    UpdatePhoneNumber(body) {
      const id = checkString(body, 'PhoneNumberId', { required: true, min: 1, max: 256, pattern: PHONE_ID_OR_ARN })!;
      const twoWayEnabled = checkBoolean(body, 'TwoWayEnabled');
      const channel = checkString(body, 'TwoWayChannelArn', { min: 20, max: 2048, pattern: /^\S+$/ });
      const role = checkString(body, 'TwoWayChannelRole', { min: 20, max: 2048, pattern: /^arn:\S+$/ });
      const optOutList = checkString(body, 'OptOutListName', { min: 1, max: 256, pattern: /^[A-Za-z0-9_:/-]+$/ });
      const flags = {
        SelfManagedOptOutsEnabled: checkBoolean(body, 'SelfManagedOptOutsEnabled'),
        InternationalSendingEnabled: checkBoolean(body, 'InternationalSendingEnabled'),
        DeletionProtectionEnabled: checkBoolean(body, 'DeletionProtectionEnabled'),
      };
      const number = find(id);
      if (!number) throw notFound(id);
      if (number.PoolId) {
        throw new SmsVoiceError(
          'ConflictException',
          `The phone number ${id} is associated with pool ${number.PoolId}; update the pool instead.`,
          {
            Reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL',
            ResourceType: 'phone-number',
            ResourceId: id,
          },
        );
      }
      if (twoWayEnabled === true && !channel && !number.TwoWayChannelArn) {
        throw invalid('TwoWayChannelArn', 'Two-way SMS needs a TwoWayChannelArn', 'TWO_WAY_CHANNEL_NOT_PRESENT');
      }
      if (twoWayEnabled !== undefined) number.TwoWayEnabled = twoWayEnabled;
      if (channel !== undefined) number.TwoWayChannelArn = channel;
      if (role !== undefined) number.TwoWayChannelRole = role;
      if (optOutList !== undefined) number.OptOutListName = optOutList;
      for (const [key, value] of Object.entries(flags))
        if (value !== undefined) (number as unknown as Record<string, boolean>)[key] = value;
      const { PoolId: _pool, ...result } = number;
      return result;
    },

    SendTextMessage(body) {
      const destination = checkString(body, 'DestinationPhoneNumber', { required: true, min: 1, max: 20, pattern: PHONE_NUMBER })!;
      const identity = checkString(body, 'OriginationIdentity', { min: 1, max: 256, pattern: ORIGINATION_IDENTITY });
      const messageBody = checkString(body, 'MessageBody', { min: 1, max: 1600 });
      if (messageBody === undefined || messageBody.trim() === '')
        throw invalid('MessageBody', 'MessageBody is required', 'MISSING_PARAMETER');
      const messageType = checkString(body, 'MessageType', { min: 1, max: 20, pattern: /^(TRANSACTIONAL|PROMOTIONAL)$/ });
      const setName = checkString(body, 'ConfigurationSetName', { min: 1, max: 256, pattern: /^[A-Za-z0-9_:/-]+$/ });
      const set = setName === undefined ? undefined : findSet(setName);
      if (setName !== undefined && !set) throw setNotFound(setName);
      let from: PhoneNumberRecord | undefined;
      if (identity !== undefined) {
        from = find(identity, true);
        if (!from) throw notFound(identity);
      } else {
        from = numbers.find((n) => n.Status === 'ACTIVE' && n.NumberCapabilities.includes('SMS'));
        if (!from)
          throw new SmsVoiceError('ConflictException', 'No origination identity can send this message.', {
            Reason: 'NO_ORIGINATION_IDENTITIES_FOUND',
          });
      }
      if (from.Status !== 'ACTIVE') {
        throw new SmsVoiceError('ConflictException', `The phone number ${from.PhoneNumberId} is not active.`, {
          Reason: 'RESOURCE_NOT_ACTIVE',
          ResourceType: 'phone-number',
          ResourceId: from.PhoneNumberId,
        });
      }
      if (!from.NumberCapabilities.includes('SMS')) {
        throw new SmsVoiceError('ConflictException', `The phone number ${from.PhoneNumberId} cannot send SMS.`, {
          Reason: 'NUMBER_CAPABILITIES_MISMATCH',
          ResourceType: 'phone-number',
          ResourceId: from.PhoneNumberId,
        });
      }
      const messageId = randomUUID();
      if (body.DryRun === true) return { MessageId: messageId };
      const text: SentText = {
        messageId,
        destinationPhoneNumber: destination,
        ...(identity !== undefined && { originationIdentity: identity }),
        originationNumber: from.PhoneNumber,
        messageBody,
        ...(messageType !== undefined && { messageType }),
        sentAt: new Date().toISOString(),
      };
      texts.push(text);
      for (const listener of quiet ? [] : listeners) {
        try {
          listener(text);
        } catch {
          // A listener's bug must not fail the caller's send.
        }
      }
      if (set) emitEvents(set, text, Date.now());
      return { MessageId: messageId };
    },

    CreateConfigurationSet(body) {
      const name = checkString(body, 'ConfigurationSetName', { required: true, min: 1, max: 64, pattern: CONFIG_SET_NAME })!;
      const { EventDestinations: _d, ...created } = createConfigurationSet(name);
      return { ...created, Tags: [] };
    },

    CreateEventDestination(body) {
      const name = checkString(body, 'ConfigurationSetName', { required: true, min: 1, max: 256, pattern: /^[A-Za-z0-9_:/-]+$/ })!;
      const destinationName = checkString(body, 'EventDestinationName', { required: true, min: 1, max: 64, pattern: CONFIG_SET_NAME })!;
      const types = body.MatchingEventTypes;
      if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string'))
        throw invalid('MatchingEventTypes', 'MatchingEventTypes must be a list of 1-25 event types');
      const topicArn = (body.SnsDestination as { TopicArn?: unknown } | undefined)?.TopicArn;
      if (body.SnsDestination !== undefined && (typeof topicArn !== 'string' || !/^arn:\S+$/.test(topicArn)))
        throw invalid('SnsDestination.TopicArn', 'SnsDestination.TopicArn must be an ARN');
      const set = findSet(name);
      if (!set) throw setNotFound(name);
      if (set.EventDestinations.some((d) => d.EventDestinationName === destinationName))
        throw new SmsVoiceError('ConflictException', `The event destination ${destinationName} already exists.`, {
          Reason: 'RESOURCE_ALREADY_EXISTS',
          ResourceType: 'event-destination',
          ResourceId: destinationName,
        });
      const destination = {
        EventDestinationName: destinationName,
        Enabled: true,
        MatchingEventTypes: types as string[],
        ...(typeof topicArn === 'string' && { SnsDestination: { TopicArn: topicArn } }),
      };
      set.EventDestinations.push(destination);
      return {
        ConfigurationSetArn: set.ConfigurationSetArn,
        ConfigurationSetName: set.ConfigurationSetName,
        EventDestination: destination,
      };
    },

    DescribeConfigurationSets(body) {
      const names = body.ConfigurationSetNames;
      if (names !== undefined && !Array.isArray(names)) throw invalid('ConfigurationSetNames', 'ConfigurationSetNames must be a list');
      const found = names?.length
        ? names.map((n) => {
            const set = findSet(String(n));
            if (!set) throw setNotFound(String(n));
            return set;
          })
        : [...configurationSets.values()];
      return { ConfigurationSets: found };
    },
  };

  function handle(target: string | undefined, raw: string): AwsJsonAnswer {
    try {
      const operation = target?.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
      if (!operation)
        throw new SmsVoiceError(
          'UnknownOperationException',
          `Unknown operation ${target ?? '(no X-Amz-Target)'}; this local End User Messaging SMS serves ${Object.keys(operations).join(', ')}`,
        );
      const body = parseJsonObject(raw, (message) => new SmsVoiceError('SerializationException', message));
      return { status: 200, body: operation(body) };
    } catch (error) {
      const e =
        error instanceof SmsVoiceError
          ? error
          : new SmsVoiceError('InternalServerException', 'The local End User Messaging SMS failed', { RequestId: randomUUID() });
      // `__type` is what the SDK and the AWS CLI map to the modelled exception; the members
      // (Message, Reason, ResourceType, ResourceId, Fields) are the exception's own fields.
      return {
        status: e.httpStatus,
        errorType: e.name,
        body: { __type: `${ERROR_NAMESPACE}${e.name}`, message: e.message, Message: e.message, ...e.fields },
      };
    }
  }

  // Anything but a POST names no operation.
  return startAwsJsonServer((target, raw, req) => (req.method === 'POST' ? handle(target, raw) : handle(undefined, '')), opts).then(
    (server) => ({
      url: server.url,
      port: server.port,
      close: () => {
        listeners.clear();
        return server.close();
      },
      numbers,
      texts,
      onText: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      twoWayChannelOf: (phoneNumber) => {
        const number = numbers.find((n) => n.PhoneNumber === phoneNumber);
        return number?.TwoWayEnabled && number.Status === 'ACTIVE' ? number.TwoWayChannelArn : undefined;
      },
      addPhoneNumber,
      configurationSets,
      createConfigurationSet,
      sendTextMessage: (body, send = {}) => {
        quiet = send.quiet === true;
        try {
          return operations.SendTextMessage(body) as { MessageId: string };
        } finally {
          quiet = false;
        }
      },
      events,
      setCarrierOutcome: (phoneNumber, outcome) => {
        if (outcome === undefined) carrier.delete(phoneNumber);
        else carrier.set(phoneNumber, outcome);
      },
      eventsIdle: async () => {
        while (pending.size > 0) await Promise.all([...pending]);
      },
    }),
  );
}
