import { maskPhone, PHONE_NUMBER } from '../lib/phone';
import { ConfigError, type Endpoints } from './config';

/**
 * `cogcheck sms --local`: what the local cloud's fake phone received, read over HTTP from the
 * inbox that `npm start -- --keep-running` serves (its URL is in the local endpoints file), so a
 * person doing the walkthrough by hand with the AWS CLI gets each code. A deployed stage has no
 * such inbox: real SMS reach real phones.
 */
/** One SMS as GET /sms answers it (the local cloud's inbox, local/fakePhone/inbox.ts, adds `via`). */
export interface InboxSms {
  phoneNumber: string;
  message: string;
  /** The code as every route reads it (lib/sms/extractCode); absent when the text has none. */
  code?: string;
  /** ISO 8601. */
  receivedAt: string;
  /** The verification run waiting on this phone when the SMS arrived, if any. */
  runId?: string;
}

export interface SmsOptions {
  phone?: string;
  last: boolean;
  json: boolean;
}

/** Only the documented fields, in a stable order, whatever else the inbox adds. */
const shown = (m: InboxSms): InboxSms => ({
  phoneNumber: m.phoneNumber,
  message: m.message,
  ...(m.code !== undefined && { code: m.code }),
  receivedAt: m.receivedAt,
  ...(m.runId !== undefined && { runId: m.runId }),
});

/** One line for a person: time, masked phone, code, run. */
export const smsLine = (m: InboxSms) =>
  `${m.receivedAt}  ${maskPhone(m.phoneNumber)}  code ${m.code ?? '(none)'}${m.runId ? `  run ${m.runId}` : ''}`;

async function fetchInbox(url: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new ConfigError(
      `The local cloud's SMS inbox (${new URL(url).origin}) does not answer (${(error as Error).name}): is npm start -- --keep-running still up?`,
    );
  }
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Prints the inbox (or its newest SMS); 0 when there was something to show, 1 for --last with none. */
export async function showSms(
  endpoints: Endpoints,
  opts: SmsOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  if (!endpoints.smsInboxUrl)
    throw new ConfigError("sms reads the local cloud's fake phone: use --local with npm start -- --keep-running up");
  if (opts.phone !== undefined && !PHONE_NUMBER.pattern.test(opts.phone)) throw new ConfigError(`--phone must be ${PHONE_NUMBER.describe}`);
  const url = new URL(endpoints.smsInboxUrl);
  if (opts.phone) url.searchParams.set('phone', opts.phone);
  if (opts.last) url.searchParams.set('last', '1');
  const { status, body } = await fetchInbox(url.toString());
  if (opts.last && status === 404) {
    io.err(`No SMS${opts.phone ? ` to ${maskPhone(opts.phone)}` : ''} yet.`);
    return 1;
  }
  if (status !== 200) throw new ConfigError(`The SMS inbox answered ${status}: ${JSON.stringify(body)}`);
  if (opts.last) {
    const sms = shown(body as InboxSms);
    io.out(opts.json ? JSON.stringify(sms, null, 2) : smsLine(sms));
    return 0;
  }
  const list = (body as InboxSms[]).map(shown);
  if (opts.json) io.out(JSON.stringify(list, null, 2));
  else io.out(list.length ? list.map(smsLine).join('\n') : `No SMS${opts.phone ? ` to ${maskPhone(opts.phone)}` : ''} yet.`);
  return 0;
}
