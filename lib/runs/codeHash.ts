import { createHash } from 'node:crypto';

/** Codes are compared by hash where only "same code as before?" matters. */
export const codeHash = (code: string) => createHash('sha256').update(code).digest('hex');
