/* eslint-disable @typescript-eslint/no-explicit-any -- serverless.yml is free-form YAML: each field read below is converted (String(), arrays) */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Reads serverless.yml the way the local cloud needs it: which handler each function runs, which
 * ASL file each state machine loads, which HTTP routes exist. Only `${file(...)}` used as a whole
 * value is resolved; the rest of Serverless's variables are irrelevant here.
 */
export const PROJECT_ROOT = resolve(__dirname, '..');

export interface FunctionConfig {
  /** Key in serverless.yml, e.g. ensureSmsRole. */
  name: string;
  /** CloudFormation logical id Serverless gives it, e.g. EnsureSmsRoleLambdaFunction. */
  logicalId: string;
  /** Module path relative to the project root, without extension, e.g. functions/provision/ensureSmsRole. */
  module: string;
  /** Exported handler name, e.g. handler. */
  exportName: string;
  httpEvents: { method: string; path: string }[];
  /** `eventBridge` event patterns, unresolved (may hold CloudFormation Refs). */
  eventPatterns: unknown[];
  /** `sns` events: the topic each subscribes the function to, unresolved (`{ Ref: Topic }` or an ARN). */
  snsEvents: { arn: unknown }[];
  /** The function's own `environment`, unresolved (added to provider.environment). */
  environment: Record<string, unknown>;
  /** `timeout` (s): the function's, else provider.timeout, else the framework's default of 6. */
  timeoutSeconds: number;
  /** `memorySize` (MB): the function's, else provider.memorySize, else the framework's default of 1024. */
  memoryMb: number;
}

export interface StateMachineConfig {
  key: string;
  logicalId?: string;
  definitionFile: string;
}

export interface ServerlessConfig {
  service: string;
  functions: FunctionConfig[];
  stateMachines: StateMachineConfig[];
  /** provider.environment, unresolved. */
  environment: Record<string, unknown>;
  /** params.default, unresolved. */
  params: Record<string, unknown>;
  /** CloudFormation Resources from every `resources` file. */
  resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

const FILE_REF = /^\$\{file\(([^)]+)\)\}$/;

function loadYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'), { merge: true });
}

function resolveFileRef(value: unknown, baseDir: string): unknown {
  if (typeof value === 'string') {
    const match = FILE_REF.exec(value.trim());
    if (match) return loadYaml(join(baseDir, match[1]));
  }
  return value;
}

/** Serverless's own normalisation: ensureSmsRole → EnsureSmsRoleLambdaFunction. */
export function functionLogicalId(name: string): string {
  const normalized = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

export function readServerlessConfig(root = PROJECT_ROOT): ServerlessConfig {
  const doc = loadYaml(join(root, 'serverless.yml')) as Record<string, any>;
  const functionsDoc = resolveFileRef(doc.functions, root) as Record<string, any>;
  const functions = Object.entries(functionsDoc ?? {}).map(([name, fn]): FunctionConfig => {
    const handler = String(fn.handler);
    const dot = handler.lastIndexOf('.');
    const httpEvents = ((fn.events ?? []) as any[])
      .map((e) => e.http ?? e.httpApi)
      .filter(Boolean)
      .map((h) => ({ method: String(h.method).toUpperCase(), path: `/${String(h.path).replace(/^\//, '')}` }));
    const eventPatterns = ((fn.events ?? []) as any[]).map((e) => e.eventBridge?.pattern).filter(Boolean);
    const snsEvents = ((fn.events ?? []) as any[]).filter((e) => e.sns).map((e) => ({ arn: typeof e.sns === 'string' ? e.sns : e.sns.arn }));
    return {
      name,
      logicalId: functionLogicalId(name),
      module: handler.slice(0, dot),
      exportName: handler.slice(dot + 1),
      httpEvents,
      eventPatterns,
      snsEvents,
      environment: (fn.environment ?? {}) as Record<string, unknown>,
      timeoutSeconds: Number(fn.timeout ?? doc.provider?.timeout ?? 6),
      memoryMb: Number(fn.memorySize ?? doc.provider?.memorySize ?? 1024),
    };
  });
  const machines = (doc.stepFunctions?.stateMachines ?? {}) as Record<string, any>;
  const stateMachines = Object.entries(machines).map(([key, sm]): StateMachineConfig => {
    const match = FILE_REF.exec(String(sm.definition).trim());
    if (!match) throw new Error(`stateMachines.${key}.definition must be \${file(statemachines/...)} so that the local cloud runs the same file`);
    return { key, logicalId: sm.id, definitionFile: join(dirname(join(root, 'serverless.yml')), match[1]) };
  });
  const resources: ServerlessConfig['resources'] = {};
  for (const entry of (doc.resources ?? []) as unknown[]) {
    const part = resolveFileRef(entry, root) as { Resources?: ServerlessConfig['resources'] } | undefined;
    Object.assign(resources, part?.Resources ?? {});
  }
  return {
    service: String(doc.service),
    functions,
    stateMachines,
    environment: (doc.provider?.environment ?? {}) as Record<string, unknown>,
    params: (doc.params?.default ?? {}) as Record<string, unknown>,
    resources,
  };
}

/**
 * Resolves the few Serverless variables our configuration uses (`${self:service}`, `${sls:stage}`,
 * `${param:x}`) and CloudFormation `Ref`s to the local stand-ins of those resources.
 */
export function resolveValue(
  config: ServerlessConfig,
  value: unknown,
  ctx: { stage: string; params?: Record<string, unknown>; refs: Record<string, string> },
): string {
  if (value && typeof value === 'object' && 'Ref' in value) {
    const ref = String((value as { Ref: unknown }).Ref);
    if (!(ref in ctx.refs)) throw new Error(`The local cloud has no stand-in for CloudFormation resource ${ref}`);
    return ctx.refs[ref];
  }
  // Fn::GetAtt [Resource, Attribute]: the stand-ins register `Resource.Attribute`.
  if (value && typeof value === 'object' && 'Fn::GetAtt' in value) {
    const [resource, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const key = `${resource}.${attribute}`;
    if (!(key in ctx.refs)) throw new Error(`The local cloud has no stand-in for Fn::GetAtt ${resource}.${attribute}`);
    return ctx.refs[key];
  }
  const params = { ...config.params, ...ctx.params };
  let text = String(value);
  for (let i = 0; i < 5 && text.includes('${'); i++) {
    text = text.replace(/\$\{(self:service|sls:stage|param:(\w+))\}/g, (_m, what: string, param?: string) => {
      if (what === 'self:service') return config.service;
      if (what === 'sls:stage') return ctx.stage;
      if (!(param! in params)) throw new Error(`serverless.yml uses \${param:${param}} but params.default has no ${param}`);
      return String(params[param!]);
    });
  }
  return text;
}

/** The function ARN a deployed stack would have, so local definitions look like deployed ones. */
export function lambdaArn(service: string, stage: string, fn: string, region: string, accountId: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${service}-${stage}-${fn}`;
}

/**
 * The ASL definition with every `Fn::GetAtt: [XLambdaFunction, Arn]` replaced by that function's
 * ARN, exactly what CloudFormation does on deploy.
 */
export function loadDefinition(
  config: ServerlessConfig,
  machine: StateMachineConfig,
  arnOf: (fn: FunctionConfig) => string,
): Record<string, unknown> {
  const byLogicalId = new Map(config.functions.map((f) => [f.logicalId, f]));
  const substitute = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(substitute);
    if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      const getAtt = obj['Fn::GetAtt'];
      if (Array.isArray(getAtt) && Object.keys(obj).length === 1) {
        const fn = byLogicalId.get(String(getAtt[0]));
        if (!fn || getAtt[1] !== 'Arn') throw new Error(`${machine.definitionFile}: Fn::GetAtt ${JSON.stringify(getAtt)} names no function in serverless.yml`);
        return arnOf(fn);
      }
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, substitute(v)]));
    }
    return node;
  };
  return substitute(loadYaml(machine.definitionFile)) as Record<string, unknown>;
}
