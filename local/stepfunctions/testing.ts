// Shared by this module's tests only.
import { LocalStepFunctions, type LocalStepFunctionsOptions } from './engine';
import type { HistoryEvent } from './history';

export const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

export function namedError(name: string, message = `${name} happened`): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

export function newEngine(invokeLambda: LocalStepFunctionsOptions['invokeLambda'], opts: Partial<LocalStepFunctionsOptions> = {}) {
  return new LocalStepFunctions({ invokeLambda, ...opts });
}

/** Starts an execution and resolves with its parsed output/status once it closes. */
export async function runToEnd(engine: LocalStepFunctions, definition: object, input: unknown = {}, name?: string) {
  const stateMachineArn = engine.createStateMachine(name ?? `sm-${Math.random().toString(36).slice(2)}`, definition);
  const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  const described = await engine.waitForExecution(executionArn);
  return { ...described, parsedOutput: described.output ? JSON.parse(described.output) : undefined };
}

/** Resolves with the first task token a callback Lambda receives for the execution. */
export function tokenCollector() {
  const waiting: Array<(token: string) => void> = [];
  const tokens: string[] = [];
  return {
    push(token: string) {
      const waiter = waiting.shift();
      if (waiter) waiter(token);
      else tokens.push(token);
    },
    next(): Promise<string> {
      const ready = tokens.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

export function historyTypes(events: HistoryEvent[]): string[] {
  return events.map((e) => e.type);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
