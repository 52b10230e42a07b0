import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { maskPhone, PHONE_NUMBER } from '../../lib/phone';
import { listen, type ListenOptions, type Listening } from '../http/server';
import type { SmsInbox } from './inbox';

/**
 * The inbox over HTTP, as LocalStack serves its SMS inbox: `GET /sms` lists every SMS (oldest
 * first), `?phone=+E164` only that phone's, `&last=1` only the newest as one object (404 while
 * there is none). Read-only, on loopback, for the user's own fake phone: phones are whole here.
 */
export type InboxServer = Listening;

interface Query {
  phone?: string;
  last: boolean;
}

class BadRequest extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

function parseQuery(search: URLSearchParams): Query {
  for (const key of search.keys())
    if (key !== 'phone' && key !== 'last') throw new BadRequest(key, 'is not a parameter of GET /sms (phone, last)');
  let phone = search.get('phone') ?? undefined;
  // A '+' typed unencoded in a URL (curl '...?phone=+1555...') arrives as a space.
  if (phone !== undefined && /^ \d/.test(phone)) phone = `+${phone.slice(1)}`;
  if (phone !== undefined && !PHONE_NUMBER.pattern.test(phone))
    throw new BadRequest('phone', `must be ${PHONE_NUMBER.describe} (encode + as %2B)`);
  const last = search.get('last');
  if (last !== null && !['1', 'true', ''].includes(last)) throw new BadRequest('last', 'must be 1 or true');
  return { phone, last: last !== null };
}

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function handle(inbox: SmsInbox, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/sms') return answer(res, 404, { error: { code: 'NotFound', message: 'only GET /sms is served here' } });
  if (req.method !== 'GET') return answer(res, 405, { error: { code: 'MethodNotAllowed', message: 'GET /sms' } });
  let query: Query;
  try {
    query = parseQuery(url.searchParams);
  } catch (error) {
    const e = error as BadRequest;
    return answer(res, 400, { error: { code: 'ValidationError', field: e.field, reason: e.reason, message: e.message } });
  }
  if (!query.last) return answer(res, 200, inbox.list(query.phone));
  const newest = inbox.last(query.phone);
  if (!newest)
    return answer(res, 404, { error: { code: 'NoSms', message: `no SMS${query.phone ? ` to ${maskPhone(query.phone)}` : ''} yet` } });
  return answer(res, 200, newest);
}

export function startInboxServer(inbox: SmsInbox, opts: ListenOptions = {}): Promise<InboxServer> {
  return listen(
    createServer((req, res) => handle(inbox, req, res)),
    opts,
  );
}
