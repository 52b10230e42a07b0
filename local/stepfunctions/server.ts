import type { LocalStepFunctions } from './engine';
import { handleRequest } from './protocol';
import { startAwsJsonServer } from '../http/awsJsonServer';
import type { Listening, ListenOptions } from '../http/server';

export type StepFunctionsServerOptions = ListenOptions;

export type StepFunctionsServer = Listening;

/** Serves the engine as a Step Functions endpoint for the SDK (`endpoint: url`) and the AWS CLI (`--endpoint-url`). */
export function startStepFunctionsServer(engine: LocalStepFunctions, opts: StepFunctionsServerOptions = {}): Promise<StepFunctionsServer> {
  return startAwsJsonServer((target, body) => handleRequest(engine, target, body), opts);
}
