/** The parts of an IAM policy statement the checks read (trust policies and permission policies alike). */
export interface Statement {
  Effect?: string;
  Principal?: { Service?: string | string[] } | string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** IAM's "one or many": a single value or an array of them. */
export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A policy document's statements; undefined when there is none or it is not JSON. */
export function policyStatements(document: string | undefined): Statement[] | undefined {
  if (!document) return undefined;
  try {
    // IAM returns policy documents URL-encoded; emulators may not.
    const parsed = JSON.parse(document.trimStart().startsWith('%') ? decodeURIComponent(document) : document) as {
      Statement?: Statement | Statement[];
    };
    return list(parsed.Statement);
  } catch {
    return undefined;
  }
}

/** IAM's action match: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}
