import { AWS_EXAMPLE_EVENT } from '../../tests/support/deliveryEvents';
import { DELIVERY_EVENT_ROUTE, seenRetentionSeconds } from '../runs/model';
import { MESSAGE_RUN_RETENTION_SECONDS } from './deliveryEventsLink';
import { eventDelayMs, evidenceOf, isFailureEvidence, parseDeliveryEvent, SMS_EVENT_TYPES } from './deliveryEvents';

describe('parseDeliveryEvent', () => {
  it("reads AWS's documented example event, keeping no text, price or origination number", () => {
    expect(parseDeliveryEvent(JSON.stringify(AWS_EXAMPLE_EVENT))).toEqual({
      eventType: 'TEXT_SUCCESSFUL',
      evidence: 'Accepted',
      messageId: '862a8790-60c0-4430-9b2b-658bdexample',
      isFinal: true,
      destinationPhoneNumber: '+14255550156',
      eventTimestamp: 1686975103470,
      messageRequestTimestamp: 1686975103170,
      mcc: '310',
      mnc: '800',
      messageStatus: 'SUCCESSFUL',
    });
  });

  it('takes an event without mcc/mnc (AWS: "optional and might not be present")', () => {
    const { mcc: _mcc, mnc: _mnc, ...rest } = AWS_EXAMPLE_EVENT;
    expect(parseDeliveryEvent(JSON.stringify(rest))).not.toHaveProperty('mcc');
  });

  it.each([
    ['not JSON', '{', 'Sns.Message'],
    ['not an object', '[1]', 'Sns.Message'],
    ['no messageId', JSON.stringify({ ...AWS_EXAMPLE_EVENT, messageId: undefined }), 'messageId'],
    ['isFinal a string', JSON.stringify({ ...AWS_EXAMPLE_EVENT, isFinal: 'true' }), 'isFinal'],
    ['a phone that is not E.164', JSON.stringify({ ...AWS_EXAMPLE_EVENT, destinationPhoneNumber: '4255550156' }), 'destinationPhoneNumber'],
    ['a timestamp in seconds as text', JSON.stringify({ ...AWS_EXAMPLE_EVENT, eventTimestamp: '1686975103' }), 'eventTimestamp'],
    ['a voice event', JSON.stringify({ ...AWS_EXAMPLE_EVENT, eventType: 'VOICE_COMPLETED' }), 'eventType'],
  ])('refuses %s, naming the field', (_what, message, field) => {
    expect(() => parseDeliveryEvent(message)).toThrow(expect.objectContaining({ name: 'ValidationError', field }));
  });

  it('never quotes the phone number in its error', () => {
    const bad = JSON.stringify({ ...AWS_EXAMPLE_EVENT, destinationPhoneNumber: '+1425555015600000000' });
    expect(() => parseDeliveryEvent(bad)).toThrow(expect.not.objectContaining({ message: expect.stringContaining('4255550156') }));
  });
});

describe('evidence', () => {
  it('names the failure a verdict cites for each documented failure type, and no evidence of failure for success or in-flight', () => {
    expect(Object.fromEntries(SMS_EVENT_TYPES.map((t) => [t, evidenceOf(t)]))).toMatchObject({
      TEXT_CARRIER_UNREACHABLE: 'CarrierUnreachable',
      TEXT_BLOCKED: 'Blocked',
      TEXT_CARRIER_BLOCKED: 'Blocked',
      TEXT_TTL_EXPIRED: 'TtlExpired',
      TEXT_DELIVERED: 'Delivered',
      TEXT_PENDING: 'InFlight',
    });
    expect(SMS_EVENT_TYPES.filter((t) => isFailureEvidence(evidenceOf(t)))).toEqual([
      'TEXT_BLOCKED',
      'TEXT_TTL_EXPIRED',
      'TEXT_CARRIER_UNREACHABLE',
      'TEXT_INVALID',
      'TEXT_INVALID_MESSAGE',
      'TEXT_CARRIER_BLOCKED',
      'TEXT_UNREACHABLE',
      'TEXT_SPAM',
      'TEXT_UNKNOWN',
      'TEXT_PROTECT_BLOCKED',
    ]);
  });

  it('measures how late an event came from the time the SMS was asked for', () => {
    expect(eventDelayMs(parseDeliveryEvent(JSON.stringify(AWS_EXAMPLE_EVENT)))).toBe(300);
  });
});

describe('how long delivery events are remembered', () => {
  it('keeps seen events and message links 4 days: carrier receipts come up to 72 h after the SMS (then UNKNOWN)', () => {
    const DAY = 24 * 3600;
    expect({
      seen: seenRetentionSeconds(DELIVERY_EVENT_ROUTE),
      link: MESSAGE_RUN_RETENTION_SECONDS,
      other: seenRetentionSeconds('inbound-sms'),
    }).toEqual({
      seen: 4 * DAY,
      link: 4 * DAY,
      other: DAY,
    });
  });
});
