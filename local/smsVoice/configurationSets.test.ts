import {
  CreateConfigurationSetCommand,
  CreateEventDestinationCommand,
  PinpointSMSVoiceV2Client,
  ResourceNotFoundException,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { parseDeliveryEvent } from '../../lib/sms/deliveryEvents';
import { startSmsVoiceServer, type SmsVoiceServer } from './server';

/**
 * Configuration sets and their SNS event destinations on the local End User Messaging SMS, and the
 * events it publishes for a text sent through one. Sources:
 * - API reference, CreateConfigurationSet / CreateEventDestination / SendTextMessage (ConfigurationSetName),
 *   https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_CreateEventDestination.html
 * - "Event types for SMS, MMS, and voice" (TEXT_SUCCESSFUL: accepted by the carrier; TEXT_DELIVERED;
 *   TEXT_CARRIER_UNREACHABLE, TEXT_BLOCKED, ...; TEXT_ALL matches every SMS event),
 *   https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html
 * - "Example SMS event data" (the event's JSON fields; isFinal),
 *   https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
 */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:sms-delivery-events';
const PHONE = '+12065550142';

let server: SmsVoiceServer;
let client: PinpointSMSVoiceV2Client;
let published: { topicArn: string; message: string }[];

beforeEach(async () => {
  published = [];
  server = await startSmsVoiceServer({
    phoneNumbers: [{ phoneNumber: '+18445550199', phoneNumberId: 'phone-sender' }],
    publish: async (topicArn, message) => void published.push({ topicArn, message }),
    eventDelayMs: 1,
  });
  client = new PinpointSMSVoiceV2Client({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
});
afterEach(async () => {
  client.destroy();
  await server.close();
});

const send = (ConfigurationSetName?: string) =>
  client.send(new SendTextMessageCommand({ DestinationPhoneNumber: PHONE, MessageBody: 'Your code is 123456', ConfigurationSetName }));

describe('local End User Messaging: configuration sets and event destinations', () => {
  it('publishes TEXT_SUCCESSFUL (not final) then TEXT_DELIVERED (final) for a text sent through a set with a TEXT_ALL SNS destination', async () => {
    await client.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'checks' }));
    await client.send(
      new CreateEventDestinationCommand({
        ConfigurationSetName: 'checks',
        EventDestinationName: 'run-evidence',
        MatchingEventTypes: ['TEXT_ALL'],
        SnsDestination: { TopicArn: TOPIC },
      }),
    );
    const { MessageId } = await send('checks');
    await server.eventsIdle();
    const events = published.map((p) => ({ topic: p.topicArn, ...parseDeliveryEvent(p.message) }));
    expect(events.map((e) => [e.topic, e.eventType, e.isFinal, e.messageId, e.destinationPhoneNumber])).toEqual([
      [TOPIC, 'TEXT_SUCCESSFUL', false, MessageId, PHONE],
      [TOPIC, 'TEXT_DELIVERED', true, MessageId, PHONE],
    ]);
    // The message body never leaves in an event (AWS's event has no text either).
    expect(published.map((p) => p.message).join('')).not.toContain('123456');
  });

  it("publishes the carrier's failure as one final event, only to destinations whose MatchingEventTypes match", async () => {
    server.createConfigurationSet('checks', [
      {
        EventDestinationName: 'failures',
        Enabled: true,
        MatchingEventTypes: ['TEXT_CARRIER_UNREACHABLE'],
        SnsDestination: { TopicArn: TOPIC },
      },
      {
        EventDestinationName: 'deliveries',
        Enabled: true,
        MatchingEventTypes: ['TEXT_DELIVERED'],
        SnsDestination: { TopicArn: `${TOPIC}-2` },
      },
    ]);
    server.setCarrierOutcome(PHONE, 'TEXT_CARRIER_UNREACHABLE');
    await send('checks');
    await server.eventsIdle();
    expect(published.map((p) => [p.topicArn, JSON.parse(p.message).eventType, JSON.parse(p.message).isFinal])).toEqual([
      [TOPIC, 'TEXT_CARRIER_UNREACHABLE', true],
    ]);
  });

  it('publishes nothing for a text sent without a configuration set, and refuses an unknown set with ResourceNotFoundException', async () => {
    server.createConfigurationSet('checks', [
      { EventDestinationName: 'all', Enabled: true, MatchingEventTypes: ['ALL'], SnsDestination: { TopicArn: TOPIC } },
    ]);
    await send();
    await server.eventsIdle();
    expect(published).toEqual([]);
    await expect(send('nope')).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('sends in process for Cognito quietly: recorded, events made, onText listeners (the fake phone) not told again', async () => {
    server.createConfigurationSet('checks', [
      { EventDestinationName: 'all', Enabled: true, MatchingEventTypes: ['TEXT_ALL'], SnsDestination: { TopicArn: TOPIC } },
    ]);
    const told: string[] = [];
    server.onText((t) => told.push(t.messageId));
    const { MessageId } = server.sendTextMessage(
      { DestinationPhoneNumber: PHONE, MessageBody: 'code 1', ConfigurationSetName: 'checks' },
      { quiet: true },
    );
    await server.eventsIdle();
    expect(told).toEqual([]);
    expect(server.texts.map((t) => t.messageId)).toEqual([MessageId]);
    expect(server.events).toHaveLength(2);
  });
});
