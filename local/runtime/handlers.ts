import { join } from 'node:path';
import type { Context } from 'aws-lambda';

/** A Lambda handler as serverless.yml names one: `(event, context) => Promise<result>`. */
export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** What loading needs of a serverless.yml function (local/serverlessConfig FunctionConfig fits). */
export interface HandlerRef {
  name: string;
  module: string;
  exportName: string;
}

const loaded = new Map<string, Handler>();

/**
 * The handler serverless.yml declares, required in this process (tsx compiles the TypeScript, as
 * esbuild bundles it on deploy) once per module and export: the module's top level runs once, as
 * in a warm Lambda container, so the SDK clients and caches it creates are reused.
 */
export function loadHandler(fn: HandlerRef, root: string): Handler {
  const file = join(root, fn.module);
  const key = `${file}#${fn.exportName}`;
  let handler = loaded.get(key);
  if (!handler) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler module is named in serverless.yml, known only at run time
    const mod = require(file) as Record<string, unknown>;
    if (typeof mod[fn.exportName] !== 'function') {
      throw new Error(`serverless.yml: function ${fn.name} names handler ${fn.module}.${fn.exportName}, which is not an exported function`);
    }
    handler = mod[fn.exportName] as Handler;
    loaded.set(key, handler);
  }
  return handler;
}
