'use strict';
/**
 * The phone of each scheduled check (checks.yml, plugins/checks.js) must be one that SMS reach. Plain JavaScript so that the Serverless
 * Framework loads it as a local plugin without a build step.
 *
 * - `sls package` (and so `sls deploy`): with `checkScheduleState=ENABLED`, refuses a missing
 *   `checkPhoneNumber` (unless `inboundPhoneNumberId` is set: the check then uses that number), one
 *   that is not E.164, and the North American 555-0100…555-0199 numbers, which are reserved for
 *   fiction and never receive SMS. With the schedule off, the same problems are only warnings.
 * - `sls deploy`: while the account is in the SNS SMS sandbox, SMS reach only verified destination
 *   numbers. A schedule whose phone is not one is refused, with the command that verifies it —
 *   unless the check's pool hands its codes to the Custom SMS Sender, which sends no SMS at all.
 *   With the schedule off it is a warning.
 *
 * AWS is called with the deployer's credentials through SDK v3 clients built from
 * `provider.getAwsSdkV3Config()` (osls 4 removed `provider.request()`).
 */
const { stageParams } = require('./params');
const { regionOfPoolId, stageChecks } = require('./checks');

/** E.164: '+', a non-zero country digit, at most 15 digits in all (lib/phone.ts). */
const E164 = /^\+[1-9]\d{6,14}$/;
/** NANP +1 NXX 555-0100…0199: the only 555 numbers reserved for fictional use. */
const RESERVED_FOR_FICTION = /^\+1\d{3}55501\d{2}$/;
const RESERVED_RANGE = '555-0100…555-0199 (+1 NXX 555 0100-0199)';

/** As Cognito masks destinations (lib/phone.ts): '+', stars, the last 4 digits. */
function maskPhone(phone) {
  if (!phone.startsWith('+') || phone.length <= 5) return '+****';
  return `+${'*'.repeat(phone.length - 5)}${phone.slice(-4)}`;
}

const isReservedForFiction = (phone) => RESERVED_FOR_FICTION.test(String(phone));

/**
 * What packaging says about the check phone.
 * @param {{ enabled: boolean, phone?: string, inboundPhoneNumberId?: string }} p
 * @returns {{ ok: boolean, level: 'error' | 'warning' | 'notice' | 'none', message: string }}
 */
function checkPhoneParameter(p) {
  const phone = String(p.phone ?? '').trim();
  const inbound = String(p.inboundPhoneNumberId ?? '').trim();
  /** @param {string} message @returns {{ ok: boolean, level: 'error' | 'warning', message: string }} */
  const problem = (message) =>
    p.enabled
      ? { ok: false, level: 'error', message }
      : { ok: true, level: 'warning', message: `${message} (The check schedule is disabled, so nothing uses it yet.)` };

  if (phone !== '' && !E164.test(phone)) {
    return problem(
      'checkPhoneNumber must be an E.164 number: "+", the country code and the number, 8 to 16 characters (for the US, +1 and the ten digits).',
    );
  }
  if (phone !== '' && isReservedForFiction(phone)) {
    return problem(
      `checkPhoneNumber ${maskPhone(phone)} is in the range ${RESERVED_RANGE} reserved for fiction: no SMS ever reaches it, ` +
        'so every scheduled check would fail with SmsCodeNotReceived. Use a phone that receives SMS (--param="checkPhoneNumber=+<E.164>"), ' +
        "or leave checkPhoneNumber empty and set inboundPhoneNumberId to check with the stage's two-way SMS number.",
    );
  }
  if (!p.enabled) return { ok: true, level: 'none', message: '' };
  if (phone !== '') return { ok: true, level: 'notice', message: `Check phone: ${maskPhone(phone)} (checkPhoneNumber).` };
  if (inbound !== '') {
    return {
      ok: true,
      level: 'notice',
      message: `Check phone: the stage's inbound-SMS number ${inbound} (inboundPhoneNumberId; checkPhoneNumber is empty).`,
    };
  }
  return {
    ok: false,
    level: 'error',
    message:
      'checkScheduleState=ENABLED needs a phone for the synthetic user, and checkPhoneNumber has no default: pass ' +
      '--param="checkPhoneNumber=+<E.164 number of a phone that receives SMS>", or set inboundPhoneNumberId ' +
      '(an End User Messaging two-way number, README "How codes come back") and the check uses that number.',
  };
}

/** The SDK v3 clients the deploy-time check needs, with the deployer's region and credentials. */
async function awsClients(provider) {
  const { region, credentials } = await provider.getAwsSdkV3Config();
  const config = { region, credentials };

  const { SNSClient } = require('@aws-sdk/client-sns');
  const { PinpointSMSVoiceV2Client } = require('@aws-sdk/client-pinpoint-sms-voice-v2');
  const { SSMClient } = require('@aws-sdk/client-ssm');
  const { CognitoIdentityProviderClient } = require('@aws-sdk/client-cognito-identity-provider');

  const cognito = new CognitoIdentityProviderClient(config);
  return {
    region,
    sns: new SNSClient(config),
    smsVoice: new PinpointSMSVoiceV2Client(config),
    ssm: new SSMClient(config),
    cognito,
    // A pool lives in the Region its id names, which may not be the deployer's.
    cognitoIn: (poolRegion) => (poolRegion === region ? cognito : new CognitoIdentityProviderClient({ ...config, region: poolRegion })),
  };
}

async function isSandboxVerified(sns, phone) {
  const { ListSMSSandboxPhoneNumbersCommand } = require('@aws-sdk/client-sns');
  let NextToken;
  do {
    const page = await sns.send(new ListSMSSandboxPhoneNumbersCommand({ NextToken }));
    if ((page.PhoneNumbers ?? []).some((n) => n.PhoneNumber === phone && n.Status === 'Verified')) return true;
    NextToken = page.NextToken;
  } while (NextToken);
  return false;
}

async function inboundPhoneNumber(smsVoice, id) {
  const { DescribePhoneNumbersCommand } = require('@aws-sdk/client-pinpoint-sms-voice-v2');
  const { PhoneNumbers } = await smsVoice.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [id] }));
  const phone = PhoneNumbers?.[0]?.PhoneNumber;
  if (!phone) throw Object.assign(new Error(`no phone number ${id}`), { name: 'PhoneNumberNotFound' });
  return phone;
}

/** True when the check's pool (named by its target, or by id) sends no SMS: its codes go to the Custom SMS Sender. */
async function targetUsesCustomSmsSender(clients, targetParameterName, poolId) {
  const { GetParameterCommand } = require('@aws-sdk/client-ssm');
  const { DescribeUserPoolCommand } = require('@aws-sdk/client-cognito-identity-provider');

  try {
    let userPoolId = poolId;
    if (!userPoolId) {
      const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: targetParameterName }));
      ({ userPoolId } = JSON.parse(Parameter?.Value ?? '{}'));
    }
    if (!userPoolId) return false;
    // Read in the pool's own Region (the prefix of its id): a check may name a pool of another Region.
    const poolRegion = regionOfPoolId(userPoolId) ?? clients.region;
    const cognito = clients.cognitoIn ? clients.cognitoIn(poolRegion) : clients.cognito;
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    return Boolean(UserPool?.LambdaConfig?.CustomSMSSender?.LambdaArn);
  } catch {
    // Not provisioned yet, or not readable: nothing says the pool sends no SMS.
    return false;
  }
}

/** An error's AWS name, or osls's code for its own errors (e.g. AWS_CREDENTIALS_NOT_FOUND). */
const why = (error) => (error.name && !['Error', 'ServerlessError'].includes(error.name) ? error.name : error.code || error.message);

const fixCommand = (stage, phone) => `npm run cli -- sms-sandbox-verify --stage ${stage} --phone ${phone}`;

/**
 * What deploying says about the SMS sandbox.
 * @param {{ enabled: boolean, phone?: string, inboundPhoneNumberId?: string, stage: string, targetParameterName: string, userPoolId?: string,
 *           clients: { region: string, sns: any, smsVoice: any, ssm: any, cognito: any, cognitoIn?: (region: string) => any } }} p
 * @returns {Promise<{ ok: boolean, level: 'error' | 'warning' | 'notice' | 'none', message: string }>}
 */
async function checkSandbox(p) {
  const { GetSMSSandboxAccountStatusCommand } = require('@aws-sdk/client-sns');
  const region = p.clients.region;
  let inSandbox;
  try {
    inSandbox = (await p.clients.sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox === true;
  } catch (error) {
    return {
      ok: true,
      level: 'warning',
      message: `Could not read the SNS SMS sandbox status in ${region} (${why(error)}); check it in the SNS console (Text messaging).`,
    };
  }
  if (!inSandbox) return { ok: true, level: 'none', message: '' };

  const sandbox = `This account is in the SNS SMS sandbox in ${region}: SMS reach only verified destination numbers.`;
  if (!p.enabled) {
    return {
      ok: true,
      level: 'warning',
      message: `${sandbox} Before enabling the check schedule, make its phone a verified destination: ${fixCommand(p.stage, '<+E164>')} (after this deploy), or request production access in the SNS console.`,
    };
  }

  const given = String(p.phone ?? '').trim();
  let phone = given;
  if (phone === '') {
    try {
      phone = await inboundPhoneNumber(p.clients.smsVoice, String(p.inboundPhoneNumberId).trim());
    } catch (error) {
      return {
        ok: true,
        level: 'warning',
        message: `${sandbox} Could not read the inbound-SMS number ${p.inboundPhoneNumberId} (${why(error)}) to check that it is a verified destination.`,
      };
    }
  }
  const which = given === '' ? 'the inbound-SMS number (inboundPhoneNumberId)' : 'checkPhoneNumber';
  let verified;
  try {
    verified = await isSandboxVerified(p.clients.sns, phone);
  } catch (error) {
    return {
      ok: true,
      level: 'warning',
      message: `${sandbox} Could not list its verified destinations (${why(error)}); check that ${maskPhone(phone)} is one.`,
    };
  }
  if (verified)
    return { ok: true, level: 'notice', message: `SMS sandbox: the check phone ${maskPhone(phone)} is a verified destination.` };
  if (await targetUsesCustomSmsSender(p.clients, p.targetParameterName, p.userPoolId)) {
    return {
      ok: true,
      level: 'notice',
      message: `SMS sandbox: the check's pool hands its codes to the Custom SMS Sender and sends no SMS, so ${maskPhone(phone)} need not be verified.`,
    };
  }
  return {
    ok: false,
    level: 'error',
    message:
      `${sandbox} The check phone ${maskPhone(phone)} (${which}) is not one, so every scheduled check would fail ` +
      // The command names the phone masked, like every other line: deploy output ends up in CI logs.
      `(SmsCodeNotReceived). Verify it: ${fixCommand(p.stage, `<${maskPhone(phone)} in full>`)} — it needs this stack, so deploy with ` +
      '--param="checkScheduleState=DISABLED" first, verify, then deploy with the schedule ENABLED. Or request production SMS access in the SNS console.',
  };
}

/**
 * Whether an enabled check's code route can bring its codes back, as far as deploying can tell.
 * Warnings, not refusals: provisioning (which wires the number, or switches the pool) runs after the
 * deploy that creates the stack.
 * @param {{ check: { name: string, enabled: boolean, codeRoute: string, phone: string, target?: string, userPoolId?: string }, inboundPhoneNumberId?: string,
 *           targetParameterName: string, clients: { smsVoice: any, ssm: any, cognito: any } }} p
 * @returns {Promise<{ ok: boolean, level: 'error' | 'warning' | 'notice' | 'none', message: string }>}
 */
async function checkCodeRoute(p) {
  const { check } = p;
  /** @type {{ ok: boolean, level: 'none', message: string }} */
  const none = { ok: true, level: 'none', message: '' };
  if (!check.enabled) return none;
  if (check.codeRoute === 'custom-sender') {
    if (await targetUsesCustomSmsSender(p.clients, p.targetParameterName, check.userPoolId)) return none;
    return {
      ok: true,
      level: 'warning',
      message:
        `codeRoute custom-sender, but the pool of ${check.userPoolId ? `check ${check.name} (${check.userPoolId})` : `target ${check.target}`} does not hand its codes to the Custom SMS Sender ` +
        '(not provisioned yet, or provisioned without it): until it does, its checks send real SMS that the SMS budget counted as none, ' +
        'and wait for codes that never come back. Provision it with --input \'{"smsSender":"custom-sender"}\'.',
    };
  }
  if (check.codeRoute !== 'inbound-sms' || check.phone === '') return none;
  const inboundId = String(p.inboundPhoneNumberId ?? '').trim();
  let inbound;
  try {
    inbound = inboundId === '' ? undefined : await inboundPhoneNumber(p.clients.smsVoice, inboundId);
  } catch (error) {
    return {
      ok: true,
      level: 'warning',
      message:
        `codeRoute inbound-sms: could not read the inbound-SMS number ${inboundId} (inboundPhoneNumberId; ${why(error)}) ` +
        `to check that the check phone ${maskPhone(check.phone)} is it.`,
    };
  }
  if (inbound === check.phone) return none;
  return {
    ok: true,
    level: 'warning',
    message:
      `codeRoute inbound-sms, but the check phone ${maskPhone(check.phone)} is not the stage's inbound-SMS number` +
      `${inbound ? ` (${maskPhone(inbound)})` : ' (inboundPhoneNumberId is empty)'}: its codes come back only if it is an End User Messaging ` +
      "number whose two-way SMS go to this stack's topic. Leave the check's phone empty to use the inbound number, or use another codeRoute.",
  };
}

class CheckPhonePlugin {
  /** @param {any} serverless @param {any} _options @param {{ log?: any }} [utils] the framework's logging utilities */
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    /** Clients given by a test; otherwise made (and destroyed) per deploy. @type {any} */
    this.clients = undefined;
    this.log = log ?? { notice: (m) => console.log(m), warning: (m) => console.warn(m) };
    this.hooks = {
      'before:package:initialize': () => this.checkParameter(),
      'before:deploy:deploy': () => this.checkSandbox(),
    };
  }

  /** Each check of checks.yml (plugins/checks.js) with the phone it uses; a check with no phone takes the inbound number. */
  checks() {
    const raw = stageParams(this.serverless);
    const checks = stageChecks(this.serverless).map((c) => ({ ...c, inboundPhoneNumberId: raw.inboundPhoneNumberId }));
    return { checks, raw, named: checks.length > 1 };
  }

  report(result, code) {
    if (!result.ok) throw new this.serverless.classes.Error(result.message, code);
    if (result.level === 'warning') this.log.warning(result.message);
    else if (result.level === 'notice') this.log.notice(result.message);
  }

  /** One verdict per distinct message: the default checks share their phone, and say the same about it. */
  reportEach(results, code) {
    const seen = new Set();
    for (const { check, result, named } of results) {
      const message = named && result.message ? `Check "${check.name}": ${result.message}` : result.message;
      if (seen.has(result.message)) continue;
      seen.add(result.message);
      this.report({ ...result, message }, code);
    }
  }

  checkParameter() {
    const { checks, named } = this.checks();
    this.reportEach(
      checks.map((check) => ({
        check,
        named,
        result: checkPhoneParameter({ enabled: check.enabled, phone: check.phone, inboundPhoneNumberId: check.inboundPhoneNumberId }),
      })),
      'CHECK_PHONE_NUMBER_INVALID',
    );
  }

  async checkSandbox() {
    const provider = this.serverless.getProvider('aws');
    const { checks, raw, named } = this.checks();
    const clients = this.clients ?? (await awsClients(provider));
    const stage = provider.getStage?.() ?? this.serverless.service.provider.stage;
    const prefix = String(raw.targetParameterPrefix ?? '').replace(/\/+$/, '');
    try {
      const results = [];
      const asked = new Set();
      for (const check of checks) {
        const route = await checkCodeRoute({
          check,
          inboundPhoneNumberId: check.inboundPhoneNumberId,
          targetParameterName: `${prefix}/${check.target}`,
          clients,
        });
        results.push({ check, named, result: route });
        // A check whose pool hands its codes to the Custom SMS Sender sends no SMS: nothing to verify.
        // One whose pool does not (yet) sends real ones: its phone is checked like any other.
        if (check.enabled && check.codeRoute === 'custom-sender' && route.level === 'none') {
          results.push({
            check,
            named,
            result: {
              ok: true,
              level: 'notice',
              message: `SMS sandbox: codeRoute custom-sender sends no SMS, so ${maskPhone(check.phone || '+****')} need not be verified.`,
            },
          });
          continue;
        }
        const key = `${check.enabled}|${check.phone}|${check.target ?? check.userPoolId}`;
        if (asked.has(key)) continue;
        asked.add(key);
        const p = { enabled: check.enabled, phone: check.phone, inboundPhoneNumberId: check.inboundPhoneNumberId };
        results.push({
          check,
          named,
          result: await checkSandbox({
            ...p,
            stage,
            clients,
            targetParameterName: `${prefix}/${check.target}`,
            userPoolId: check.userPoolId,
          }),
        });
      }
      this.reportEach(results, 'CHECK_PHONE_NOT_SANDBOX_VERIFIED');
    } finally {
      if (!this.clients) for (const c of [clients.sns, clients.smsVoice, clients.ssm, clients.cognito]) c.destroy();
    }
  }
}

module.exports = CheckPhonePlugin;
module.exports.checkPhoneParameter = checkPhoneParameter;
module.exports.checkSandbox = checkSandbox;
module.exports.isReservedForFiction = isReservedForFiction;
