import type { LocalStepFunctions } from './engine';
import { SfnServiceError, validation } from './errors';
import { AWS_JSON_1_0, parseJsonObject, type AwsJsonAnswer } from '../http/awsJsonServer';

/** The AWS JSON 1.0 protocol of Step Functions: `X-Amz-Target: AWSStepFunctions.<Operation>`. */
export const TARGET_PREFIX = 'AWSStepFunctions.';
export const CONTENT_TYPE = AWS_JSON_1_0;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire input, checked by each operation
type Operation = (engine: LocalStepFunctions, body: Body) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateStateMachine: (engine, b) => {
    if (typeof b.definition !== 'string') throw validation('definition is required');
    const stateMachineArn = engine.createStateMachine(b.name, b.definition, b.roleArn);
    return { stateMachineArn, creationDate: engine.describeStateMachine({ stateMachineArn }).creationDate };
  },
  DescribeStateMachine: (engine, b) => engine.describeStateMachine(b),
  ListStateMachines: (engine, b) => engine.listStateMachines(b),
  StartExecution: (engine, b) => engine.startExecution(b),
  DescribeExecution: (engine, b) => engine.describeExecution(b),
  GetExecutionHistory: (engine, b) => engine.getExecutionHistory(b),
  ListExecutions: (engine, b) => engine.listExecutions(b),
  StopExecution: (engine, b) => engine.stopExecution(b),
  SendTaskSuccess: (engine, b) => engine.sendTaskSuccess(b),
  SendTaskFailure: (engine, b) => engine.sendTaskFailure(b),
  SendTaskHeartbeat: (engine, b) => engine.sendTaskHeartbeat(b),
};

export type WireResponse = AwsJsonAnswer;

/** Runs one request; never throws, since every failure has a wire shape. */
export function handleRequest(engine: LocalStepFunctions, target: string | undefined, rawBody: string): WireResponse {
  try {
    const operation = target?.startsWith(TARGET_PREFIX) ? OPERATIONS[target.slice(TARGET_PREFIX.length)] : undefined;
    if (!operation) throw new SfnServiceError('UnknownOperationException', `Unknown operation: ${target ?? '(no X-Amz-Target)'}`);
    const body = parseJsonObject(rawBody, (message) => new SfnServiceError('SerializationException', message));
    return { status: 200, body: toWire(operation(engine, body as Body)) };
  } catch (err) {
    return errorResponse(err);
  }
}

/**
 * The SDK maps `__type` to the modelled exception (so `err.name === 'TaskTimedOut'`); the AWS
 * CLI reads the same field.
 */
export function errorResponse(err: unknown): WireResponse {
  if (err instanceof SfnServiceError) {
    return { status: err.httpStatus, errorType: err.name, body: { __type: err.name, message: err.message } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, errorType: 'InternalFailure', body: { __type: 'InternalFailure', message } };
}

/** This protocol sends timestamps as epoch seconds. */
export function toWire(value: unknown): unknown {
  // Not `instanceof`: structuredClone may hand back a Date of another realm (e.g. under jest).
  if (Object.prototype.toString.call(value) === '[object Date]') return (value as Date).getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}
