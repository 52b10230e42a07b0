import { SfnServiceError, validation } from './errors';

const DEFAULT_PAGE_SIZE = 100;
const MAX_RESULTS = 1000;

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

/**
 * A listing in a fixed order: `positionOf` strictly increases ('ascending') or decreases
 * ('descending') along `items`, and never changes for an item (an execution's sequence number,
 * an event id).
 */
export interface Listing<T> {
  items: T[];
  positionOf: (item: T) => number;
  order: 'ascending' | 'descending';
  /** The request the listing answers; a token is refused for any other (InvalidToken, as AWS). */
  scope: string;
}

/**
 * AWS-style paging. The token holds the position of the last item returned, not an offset, so
 * the next page neither repeats nor skips items when others appear in front (a new execution,
 * new events in reverse order) or leave the listing (an execution that no longer matches a
 * status filter).
 */
export function paginate<T>(listing: Listing<T>, req: PageRequest): { page: T[]; nextToken?: string } {
  const size = pageSize(req.maxResults);
  const { items, positionOf, order, scope } = listing;
  let start = 0;
  if (req.nextToken !== undefined && req.nextToken !== null) {
    const after = decodeToken(req.nextToken, scope);
    const beyond = (item: T) => (order === 'ascending' ? positionOf(item) > after : positionOf(item) < after);
    start = items.findIndex(beyond);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + size);
  if (start + size >= items.length || page.length === 0) return { page };
  return { page, nextToken: Buffer.from(JSON.stringify({ s: scope, p: positionOf(page[page.length - 1]!) })).toString('base64url') };
}

function pageSize(maxResults: unknown): number {
  if (maxResults === undefined || maxResults === null) return DEFAULT_PAGE_SIZE;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_RESULTS) {
    throw validation(
      `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and ${MAX_RESULTS}`,
    );
  }
  // 0 means the default page size.
  return maxResults || DEFAULT_PAGE_SIZE;
}

function decodeToken(token: unknown, scope: string): number {
  try {
    const { s, p } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { s?: unknown; p?: unknown };
    if (s === scope && typeof p === 'number') return p;
  } catch {
    // falls through to the refusal
  }
  throw new SfnServiceError('InvalidToken', 'Invalid Token: it was not issued for this request');
}
