export { LocalStepFunctions, type LocalStepFunctionsOptions, type LocalStepFunctionsEvents, type ExecutionStatus } from './engine';
export type { LambdaInvoker } from './tasks';
export type { HistoryEvent } from './history';
export { SfnServiceError } from './errors';
export { startStepFunctionsServer, type StepFunctionsServer, type StepFunctionsServerOptions } from './server';
