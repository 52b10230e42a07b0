import { SfnServiceError, validation } from './errors';

const DEFAULT_PAGE_SIZE = 100;
const MAX_RESULTS = 1000;

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

/**
 * AWS-style paging. The token names the last item returned, not an offset, so a page does not
 * shift when items are added in front of it (a new execution, a new event in reverse order); and
 * it names the request it belongs to, so it is refused for another one, as AWS does (InvalidToken).
 */
export function paginate<T>(items: T[], req: PageRequest, keyOf: (item: T) => string, scope: string): { page: T[]; nextToken?: string } {
  const size = pageSize(req.maxResults);
  let start = 0;
  if (req.nextToken !== undefined && req.nextToken !== null) {
    const after = decodeToken(req.nextToken, scope);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new SfnServiceError('InvalidToken', 'Invalid Token: the item it continues from no longer exists');
    start = index + 1;
  }
  const page = items.slice(start, start + size);
  if (start + size >= items.length || page.length === 0) return { page };
  return { page, nextToken: Buffer.from(JSON.stringify({ s: scope, k: keyOf(page[page.length - 1]!) })).toString('base64url') };
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

function decodeToken(token: unknown, scope: string): string {
  try {
    const { s, k } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (s === scope && typeof k === 'string') return k;
  } catch {
    // falls through to the refusal
  }
  throw new SfnServiceError('InvalidToken', 'Invalid Token: it was not issued for this request');
}
