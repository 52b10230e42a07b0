// The only module that loads aws-local-stepfunctions, so the polyfill is always in place first.
import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';

export { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
export type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** The library's event log entries (its EventLog type is not exported). */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type JsonValue = Parameters<StateMachine['run']>[0];

type ErrorCtor = new () => Error;
let timeoutErrorCtor: Promise<ErrorCtor | undefined> | undefined;

/**
 * The library decides that `States.TaskFailed` must not match a timeout by `instanceof` on its
 * private StatesTimeoutError class. We run timeouts ourselves, so we borrow that class from a
 * throwaway execution that times out after 1 ms; otherwise our `States.Timeout` would wrongly
 * be caught by `States.TaskFailed`.
 */
function captureTimeoutErrorCtor(): Promise<ErrorCtor | undefined> {
  timeoutErrorCtor ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: { Probe: { Type: 'Task', Resource: 'probe', TimeoutSeconds: 0.001, End: true } },
      },
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } },
    });
    try {
      await run.result;
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as ErrorCtor;
    }
    return undefined;
  })();
  return timeoutErrorCtor;
}

/** A `States.Timeout` error that the library treats exactly like its own task timeout. */
export async function statesTimeoutError(cause: string): Promise<Error> {
  const Ctor = await captureTimeoutErrorCtor();
  const err = Ctor ? new Ctor() : Object.assign(new Error(), { name: 'States.Timeout' });
  err.message = cause;
  return err;
}
