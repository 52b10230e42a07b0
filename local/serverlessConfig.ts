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
  /**
   * `destinations.onFailure`: the function of this service to which Lambda sends the record of an
   * asynchronous invocation it gave up on (its key in serverless.yml).
   */
  onFailure?: string;
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
  /** CloudFormation Resources from every `resources` file; a resource with a `Condition` exists only when it holds. */
  resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, any> }>;
  /** CloudFormation Conditions from every `resources` file, unresolved (they read `${param:...}`). */
  conditions?: Record<string, unknown>;
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
    const snsEvents = ((fn.events ?? []) as any[])
      .filter((e) => e.sns)
      .map((e) => ({ arn: typeof e.sns === 'string' ? e.sns : e.sns.arn }));
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
      ...(fn.destinations?.onFailure === undefined ? {} : { onFailure: onFailureFunction(name, fn.destinations.onFailure) }),
    };
  });
  for (const fn of functions) {
    if (fn.onFailure !== undefined && !functions.some((f) => f.name === fn.onFailure))
      throw new Error(`functions.${fn.name}.destinations.onFailure names ${fn.onFailure}, which is no function in serverless.yml`);
  }
  const machines = (doc.stepFunctions?.stateMachines ?? {}) as Record<string, any>;
  const stateMachines = Object.entries(machines).map(([key, sm]): StateMachineConfig => {
    const match = FILE_REF.exec(String(sm.definition).trim());
    if (!match)
      throw new Error(`stateMachines.${key}.definition must be \${file(statemachines/...)} so that the local cloud runs the same file`);
    return { key, logicalId: sm.id, definitionFile: join(dirname(join(root, 'serverless.yml')), match[1]) };
  });
  const resources: ServerlessConfig['resources'] = {};
  const conditions: Record<string, unknown> = {};
  for (const entry of (doc.resources ?? []) as unknown[]) {
    const part = resolveFileRef(entry, root) as
      { Resources?: ServerlessConfig['resources']; Conditions?: Record<string, unknown> } | undefined;
    Object.assign(resources, part?.Resources ?? {});
    Object.assign(conditions, part?.Conditions ?? {});
  }
  return {
    service: String(doc.service),
    functions,
    stateMachines,
    environment: (doc.provider?.environment ?? {}) as Record<string, unknown>,
    params: (doc.params?.default ?? {}) as Record<string, unknown>,
    resources,
    conditions,
  };
}

/** Destinations the local cloud can deliver to: a function of this service, named by its key (as the framework takes it). */
function onFailureFunction(fnName: string, target: unknown): string {
  if (typeof target === 'string' && /^[\w-]+$/.test(target)) return target;
  throw new Error(
    `functions.${fnName}.destinations.onFailure: the local cloud delivers only to a function of this service named by its key, got ${JSON.stringify(target)}`,
  );
}

/**
 * Each function's on-failure destination, as Lambda's EventInvokeConfig holds it: the destination
 * function's ARN by the invoked function's ARN (qualified or not), undefined where it has none.
 */
export function onFailureDestinations(
  config: ServerlessConfig,
  arnOf: (fn: FunctionConfig) => string,
): (functionArn: string) => string | undefined {
  const byName = new Map(config.functions.map((fn) => [fn.name, fn]));
  const destinations = new Map(
    config.functions.filter((fn) => fn.onFailure !== undefined).map((fn) => [arnOf(fn), arnOf(byName.get(fn.onFailure!)!)]),
  );
  return (functionArn) => destinations.get(functionArn.replace(/:(\$LATEST|\d+)$/, ''));
}

export interface ResolveContext {
  stage: string;
  params?: Record<string, unknown>;
  refs: Record<string, string>;
}

/**
 * Whether a CloudFormation Condition of resources/ holds with these params, as CloudFormation
 * decides it on deploy: Fn::Equals over (resolved) strings, Fn::Not, Fn::And, Fn::Or and
 * `{ Condition: Name }`. Anything else is refused rather than guessed.
 */
export function conditionHolds(config: ServerlessConfig, name: string, ctx: Omit<ResolveContext, 'refs'>): boolean {
  const seen: string[] = [];
  const evaluate = (expr: unknown): boolean => {
    if (expr && typeof expr === 'object' && !Array.isArray(expr)) {
      const entries = Object.entries(expr);
      if (entries.length === 1) {
        const [fn, args] = entries[0];
        if (fn === 'Condition') return named(String(args));
        if (Array.isArray(args)) {
          if (fn === 'Fn::Equals' && args.length === 2) {
            const [a, b] = args.map((arg) => resolveValue(config, arg, { ...ctx, refs: {} }));
            return a === b;
          }
          if (fn === 'Fn::Not' && args.length === 1) return !evaluate(args[0]);
          if (fn === 'Fn::And') return args.every(evaluate);
          if (fn === 'Fn::Or') return args.some(evaluate);
        }
      }
    }
    throw new Error(`The local cloud cannot evaluate the CloudFormation condition ${JSON.stringify(expr)}`);
  };
  const named = (condition: string): boolean => {
    const conditions = config.conditions ?? {};
    if (!(condition in conditions)) throw new Error(`resources/ use Condition ${condition}, which no Conditions section defines`);
    if (seen.includes(condition))
      throw new Error(`CloudFormation conditions refer to each other in a loop: ${[...seen, condition].join(' → ')}`);
    seen.push(condition);
    try {
      return evaluate(conditions[condition]);
    } finally {
      seen.pop();
    }
  };
  return named(name);
}

/** The resources a deploy with these params would create: those without a Condition, or whose Condition holds. */
export function presentResources(config: ServerlessConfig, ctx: Omit<ResolveContext, 'refs'>): ServerlessConfig['resources'] {
  return Object.fromEntries(
    Object.entries(config.resources).filter(([, r]) => r.Condition === undefined || conditionHolds(config, r.Condition, ctx)),
  );
}

/**
 * Resolves the few Serverless variables our configuration uses (`${self:service}`, `${sls:stage}`,
 * `${param:x}`), CloudFormation `Ref`s to the local stand-ins of those resources, and `Fn::If` on
 * a Condition (`Ref: AWS::NoValue` becomes '', which an environment variable reads as "not set").
 */
export function resolveValue(config: ServerlessConfig, value: unknown, ctx: ResolveContext): string {
  if (value && typeof value === 'object' && 'Fn::If' in value) {
    const args = (value as { 'Fn::If': unknown })['Fn::If'];
    if (!Array.isArray(args) || args.length !== 3)
      throw new Error(`Fn::If takes [condition, value if true, value if false], got ${JSON.stringify(args)}`);
    return resolveValue(config, conditionHolds(config, String(args[0]), ctx) ? args[1] : args[2], ctx);
  }
  if (value && typeof value === 'object' && (value as { Ref?: unknown }).Ref === 'AWS::NoValue') return '';
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
 * ARN and `${AWS::Partition}` by `aws` (the local cloud's partition), exactly what CloudFormation
 * does on deploy: serverless-step-functions packages each definition as an Fn::Sub.
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
        if (!fn || getAtt[1] !== 'Arn')
          throw new Error(`${machine.definitionFile}: Fn::GetAtt ${JSON.stringify(getAtt)} names no function in serverless.yml`);
        return arnOf(fn);
      }
      // A Task Resource ARN written with its partition (serverless-step-functions' validator takes an
      // intrinsic function there, not a `${AWS::Partition}` inside a plain ARN).
      const sub = obj['Fn::Sub'];
      if (typeof sub === 'string' && Object.keys(obj).length === 1) return substitute(sub);
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, substitute(v)]));
    }
    if (typeof node === 'string') return node.replaceAll('${AWS::Partition}', 'aws');
    return node;
  };
  return substitute(loadYaml(machine.definitionFile)) as Record<string, unknown>;
}
