import { SfnServiceError } from './errors';

const DEFAULT_PAGE_SIZE = 100;

/** AWS-style paging: an opaque nextToken, and maxResults 0 or absent meaning the default page. */
export function paginate<T>(items: T[], maxResults?: number, nextToken?: string): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined && nextToken !== null) {
    const decoded = Number(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw new SfnServiceError('InvalidToken', 'Invalid pagination token');
    offset = decoded;
  }
  const size = maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}
