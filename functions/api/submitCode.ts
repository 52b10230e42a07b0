import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { sfn } from '../../lib/clients';
import { envOnce } from '../../lib/env';
import { awsErrorName, isAwsError, ValidationError } from '../../lib/errors';
import { httpErrors } from '../../lib/http/errors';
import { header, isJsonUtf8, rawBody } from '../../lib/http/request';
import { errorResponse, json, type HttpResult } from '../../lib/http/response';
import { logger } from '../../lib/logger';
import { maskPhone } from '../../lib/phone';
import { answerWait } from '../../lib/runs/answerWait';
import { getRun } from '../../lib/runs/getRun';
import type { WaitItem } from '../../lib/runs/model';
import { getSecret } from '../../lib/secrets/getSecret';
import { SIGNATURE_HEADER, verifySignature } from '../../lib/signature';
import { parseSubmission, type Submission } from './submission';

const callbackSecretId = envOnce('CALLBACK_SECRET_ARN');

/** A code, a phone number and a few words fit in a few hundred bytes; 4 KiB leaves room for an SMS text. */
export const MAX_BODY_BYTES = 4096;

/** What a closed task token answers: the execution no longer waits for this code. */
const TASK_CLOSED = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

const UNAUTHORIZED_MESSAGES = {
  missing: `The ${SIGNATURE_HEADER} header is missing.`,
  malformed: `The ${SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<64 hex digits>.`,
  stale: 'The signature timestamp is more than 5 minutes away from now; sign the request again.',
  mismatch: 'The signature does not match the body.',
} as const;

/**
 * `POST /codes`: a delivered SMS code resumes the execution waiting for it. Checks run cheapest
 * and least trusting first (media type, size, signature over the raw body) so an unsigned
 * request costs one secret lookup at most and nothing is stored for it. Failures of AWS itself
 * are thrown, for `httpErrors` to turn into 503/500; every client mistake is answered here.
 */
export async function submitCode(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  if (!isJsonUtf8(header(event, 'content-type'))) {
    return errorResponse(415, { code: 'UnsupportedMediaType', message: 'Send the body as application/json (UTF-8).' });
  }
  const bytes = rawBody(event);
  if (bytes.length > MAX_BODY_BYTES) {
    return errorResponse(413, { code: 'PayloadTooLarge', message: `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.` });
  }
  const body = bytes.toString('utf8');

  const signature = verifySignature(await getSecret(callbackSecretId()), body, header(event, SIGNATURE_HEADER));
  if (!signature.ok) {
    logger.warn('signature rejected', { reason: signature.reason });
    return errorResponse(401, { code: 'Unauthorized', reason: signature.reason, message: UNAUTHORIZED_MESSAGES[signature.reason] });
  }

  let submission: Submission;
  try {
    submission = parseSubmission(body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    logger.info('submission rejected', { field: error.field, rule: error.rule });
    return errorResponse(400, { code: 'InvalidRequest', field: error.field, message: `${error.field} ${error.rule}` });
  }
  return deliver(submission);
}

async function deliver(submission: Submission): Promise<HttpResult> {
  const runId = 'runId' in submission ? submission.runId : undefined;
  const phone = runId === undefined ? (submission as { phoneNumber: string }).phoneNumber : await phoneOfRun(runId);
  if (phone === undefined) return notWaiting(`No run ${runId} is waiting for a code.`);
  const masked = maskPhone(phone);
  const log = { phone: masked, by: runId === undefined ? 'phoneNumber' : 'runId', codeFrom: submission.codeFrom };

  const answer = await answerWait(phone, submission.code, { runId });
  switch (answer.outcome) {
    case 'NOT_WAITING':
      logger.info('nothing waits', log);
      return runId === undefined
        ? notWaiting(`Nothing waits for a code on ${masked}.`)
        : notWaiting(`Run ${runId} is not waiting for a code on ${masked}.`);

    case 'EXPIRED':
      logger.info('wait expired', { ...log, runId: answer.wait.runId, step: answer.wait.step });
      return expired(answer.wait, 'the wait expired before the code arrived');

    case 'ALREADY_ANSWERED': {
      const wait = answer.wait as WaitItem & { consumedAt?: number };
      // The same code again, on a wait whose execution may never have been told (our earlier
      // answer was a 503 from SendTaskSuccess): resuming is idempotent and Step Functions says
      // whether the task is still open. Any other repeat is the second answer, which loses.
      if (wait.answered && wait.code === submission.code && wait.taskToken && wait.consumedAt === undefined) {
        const resumed = await resume(wait);
        logger.info('repeated submission', { ...log, runId: wait.runId, step: wait.step, resumed: resumed === true });
        if (resumed === true) return accepted(wait);
      } else {
        logger.info('already answered', { ...log, runId: wait.runId, step: wait.step, previousStep: !wait.answered });
      }
      return errorResponse(409, {
        code: 'AlreadyAnswered',
        message: wait.answered
          ? `The ${wait.step} wait of run ${wait.runId} already has its code; only the first answer counts.`
          : `This code already answered the step before ${wait.step} of run ${wait.runId}; the ${wait.step} wait needs the new code.`,
        runId: wait.runId,
        step: wait.step,
      });
    }

    case 'ACCEPTED': {
      const wait = answer.wait;
      // No token yet: the await task has not started; it finds the stored code and resumes itself.
      if (!wait.taskToken) {
        logger.info('code stored before the await task', { ...log, runId: wait.runId, step: wait.step });
        return accepted(wait);
      }
      const resumed = await resume(wait);
      if (resumed !== true) {
        logger.info('execution stopped waiting', { ...log, runId: wait.runId, step: wait.step, reason: resumed });
        return expired(wait, `the execution stopped waiting (${resumed})`);
      }
      logger.info('code accepted', { ...log, runId: wait.runId, step: wait.step });
      return accepted(wait);
    }
  }
}

/** The phone of a run, or undefined when the run does not exist (never prepared, or expired). */
async function phoneOfRun(runId: string): Promise<string | undefined> {
  try {
    return (await getRun(runId)).phoneNumber;
  } catch (error) {
    if (awsErrorName(error) === 'RunNotFound') return undefined;
    throw error;
  }
}

/**
 * Resumes the waiting execution. The output names the run and the step only: the next task
 * reads the code from DynamoDB, because state output is kept in the execution history.
 * Returns true, or the AWS error name saying the task is closed.
 */
async function resume(wait: WaitItem): Promise<true | string> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify({ runId: wait.runId, step: wait.step }) }));
    return true;
  } catch (error) {
    if (isAwsError(error, ...TASK_CLOSED)) return awsErrorName(error) ?? 'TaskTimedOut';
    throw error;
  }
}

const accepted = (wait: WaitItem) => json(202, { status: 'accepted', runId: wait.runId, step: wait.step });

const notWaiting = (message: string) => errorResponse(404, { code: 'NotWaiting', message });

const expired = (wait: WaitItem, why: string) =>
  errorResponse(410, { code: 'WaitExpired', message: `Run ${wait.runId} no longer waits for its ${wait.step} code: ${why}.`, runId: wait.runId, step: wait.step });

export const handler = middy<APIGatewayProxyEventV2, HttpResult, Error, Context>(submitCode)
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  .use(httpErrors());
