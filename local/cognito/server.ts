import { randomBytes, randomInt } from 'node:crypto';
import type { InvokeFunction, LocalCustomSmsSender, LocalCustomSmsSenderOptions } from './customSender';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDataDir } from './dataDir';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { UnsupportedError } from 'cognito-local/lib/errors';
import { DefaultConfig } from 'cognito-local/lib/server/config';
import type { Config } from 'cognito-local/lib/server/config';
import { createServer } from 'cognito-local/lib/server/server';
import type { Services } from 'cognito-local/lib/services';
import { DateClock } from 'cognito-local/lib/services/clock';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import type { Triggers } from 'cognito-local/lib/services/triggers';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { FakePhone } from './fakePhone';
import { FaultInjector } from './faults';
import type { FaultRule, InjectedFault } from './faults';
import type { SentSms } from './fakePhone';
import { useRegionalIds } from './fidelity/regionalIds';
import { RequestRegions } from './fidelity/requestRegion';
import { ReplicaStore, REPLICA_STATUSES } from './fidelity/replicaStore';
import type { ReplicaStatus } from './fidelity/replicaStore';
import { FirstSignIns } from './fidelity/firstSignIn';
import { fidelityRouter } from './fidelity/router';
import { AuthSessions } from './fidelity/sessions';
import { withCognitoTokenValidity } from './fidelity/tokens';
import { enabledFixes } from './fidelity/types';
import type { FidelityOptions } from './fidelity/types';
import { CaseInsensitiveUserPoolServiceFactory } from './fidelity/usernames';

export interface LocalCognito {
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
  onSms(listener: (sms: SentSms) => void): () => void;
  sent: SentSms[];
  /** Makes the next calls of an operation fail with an AWS error (see FaultRule); effective at once. */
  injectFault(rule: FaultRule): InjectedFault;
  /** Removes every fault rule still in force. */
  clearFaults(): void;
  /**
   * Gives an app client that has a secret a new one, as an operator rotating it leaves the client
   * (AddUserPoolClientSecret, then DeleteUserPoolClientSecret of the old one: "Supports up to 2
   * active secrets per app client for zero-downtime credential rotation workflows", API reference;
   * those operations are not emulated). From then on the old secret is refused and
   * DescribeUserPoolClient returns the new one, which this returns.
   */
  replaceClientSecret(clientId: string): Promise<string>;
  /**
   * Test hook: sets the status of a pool's replica in a Region and holds it there (no timed
   * CREATING → INACTIVE or DELETING → gone) until UpdateUserPoolReplica or this changes it, so a
   * test can meet a replica that is still CREATING, INACTIVE, or DELETING.
   */
  setReplicaStatus(userPoolId: string, region: string, status: ReplicaStatus): void;
  /** The url of one Region's endpoint (`<url>/<region>`): unsigned calls through it are that Region's. */
  regionUrl(region: string): string;
  /** Attaches the Lambda runtime that pools with a Custom SMS Sender hand their codes to (FakePhone.useCustomSmsSender). */
  useCustomSmsSender(invoke: InvokeFunction | LocalCustomSmsSenderOptions | undefined): LocalCustomSmsSender | undefined;
}

export interface LocalCognitoOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** Default 127.0.0.1: nothing outside this machine should reach it. */
  host?: string;
  /** Default: a fresh temp folder, removed on close. A folder you pass is kept. */
  dataDir?: string;
  /** Region used in pool ids and ARNs (`us-east-1_…`) when a request is not signed for one. Default us-east-1. */
  region?: string;
  /** Switch fidelity fixes off (tests prove each fix this way). Default: all on. */
  fidelity?: FidelityOptions;
  /** Fault rules in force from the start, e.g. CreateUserPool failing twice with InvalidSmsRoleTrustRelationshipException. */
  faults?: readonly FaultRule[];
  /**
   * Behave as Cognito documents for a new user: the first sign-in after ConfirmSignUp returns
   * tokens without an MFA challenge (fidelity/firstSignIn.ts). Default false: challenged at once.
   */
  firstSignInWithoutMfa?: boolean;
  /**
   * How long a new replica stays CREATING before it is INACTIVE, and a deleted one DELETING before
   * it is gone (ms). Default 0: the CreateUserPoolReplica answer says CREATING, the next call sees INACTIVE.
   */
  replicaTransitionMs?: number;
}

// pino is cognito-local's dependency, not ours: load the copy it uses.
const requireFromCognitoLocal = createRequire(require.resolve('cognito-local/lib/server/server'));

/**
 * cognito-local logs request bodies (passwords) and the codes it sends, so it stays silent.
 * LOCAL_COGNITO_LOG_LEVEL=debug turns it on for debugging, knowing that secrets will be printed.
 */
function cognitoLocalLogger(): Parameters<typeof createServer>[1] {
  const pino = requireFromCognitoLocal('pino') as (o: object, dest: NodeJS.WritableStream) => Parameters<typeof createServer>[1];
  // Through process.stderr (not pino's direct fd writes) so that tests can see what it prints.
  return pino({ level: process.env.LOCAL_COGNITO_LOG_LEVEL ?? 'silent' }, process.stderr);
}

// cognito-local would build a Lambda client (aws-sdk v2) for triggers; the local cloud has none.
const notConfigured = () => Promise.reject(new UnsupportedError('Lambda triggers are not configured in the local cognito'));
const NO_TRIGGERS: Triggers = {
  enabled: () => false,
  customMessage: notConfigured,
  customEmailSender: notConfigured,
  postAuthentication: notConfigured,
  postConfirmation: notConfigured,
  preSignUp: notConfigured,
  preTokenGeneration: notConfigured,
  userMigration: notConfigured,
};

// cognito-local's otp honours a CODE environment variable (every code the same) and uses
// Math.random; codes here must be unpredictable like Cognito's.
const otp = () => randomInt(0, 1_000_000).toString().padStart(6, '0');

/** Starts cognito-local in this process, on loopback, with the fake phone and the fidelity layer. */
export async function startLocalCognito(opts: LocalCognitoOptions = {}): Promise<LocalCognito> {
  const host = opts.host ?? '127.0.0.1';
  const region = opts.region ?? 'us-east-1';
  const fixes = enabledFixes(opts.fidelity);
  const ownsDataDir = !opts.dataDir;
  // Checked before anything starts: a mistyped rule fails here, not silently never.
  const faults = new FaultInjector(opts.faults);
  const dataDir = opts.dataDir ?? (await makeDataDir());

  try {
    const logger = cognitoLocalLogger();
    const ctx = { logger };
    const clock = new DateClock();
    const stores = new StormDBDataStoreFactory(dataDir);
    // Without this cognito-local's default (['email']) refuses usernames like `user1`.
    const userPoolDefaults = { ...DefaultConfig.UserPoolDefaults, UsernameAttributes: [] };
    const poolFactory =
      fixes.caseInsensitiveUsernames || fixes.aliasAttributes
        ? new CaseInsensitiveUserPoolServiceFactory(clock, stores, fixes)
        : new UserPoolServiceFactoryImpl(clock, stores);
    const cognito = await new CognitoServiceFactoryImpl(dataDir, stores, poolFactory).create(ctx, userPoolDefaults);
    const regions = new RequestRegions(region);
    if (fixes.regionalIds) useRegionalIds(cognito, fixes.requestRegion ? () => regions.current() : region);

    // The issuer needs the port, known only after listen(); the generator reads this object per token.
    const tokenConfig = { IssuerDomain: 'http://127.0.0.1' };
    const config: Config = {
      ...DefaultConfig,
      TriggerFunctions: {},
      UserPoolDefaults: userPoolDefaults,
      TokenConfig: tokenConfig,
      ServerConfig: { port: opts.port ?? 0, hostname: host, development: false, https: false },
    };
    const phone = new FakePhone();
    const jwt = new JwtTokenGenerator(clock, NO_TRIGGERS, tokenConfig);
    const services: Services = {
      clock,
      cognito,
      config,
      messages: phone.messages(cognito),
      otp,
      tokenGenerator: fixes.tokenResult ? withCognitoTokenValidity(jwt) : jwt,
      triggers: NO_TRIGGERS,
    };
    const sessions = new AuthSessions(() => clock.get().getTime());
    // Outermost: an injected fault answers before cognito-local or the fidelity layer runs.
    const firstSignIns = opts.firstSignInWithoutMfa ? new FirstSignIns() : undefined;
    const behaviours = { ...fixes, firstSignInWithoutMfa: Boolean(firstSignIns) };
    // Not .json: cognito-local takes every .json file in the folder for a pool.
    const replicas = new ReplicaStore(join(dataDir, 'replicas.state'), opts.replicaTransitionMs ?? 0);
    const requestRegion = fixes.requestRegion ? () => regions.where() : () => ({ region, explicit: false });
    const router = faults.wrap(fidelityRouter(services, { services, sessions, firstSignIns, requestRegion, replicas }, behaviours, phone));
    const app = createServer(router, logger, config.ServerConfig, services).application as http.RequestListener;

    let issuerBase = '';
    const server = http.createServer((req, res) => {
      const serve = () => {
        // cognito-local's discovery document hard-codes http://localhost:9229.
        const discovery =
          fixes.discovery && req.method === 'GET' && /^\/([^/?]+)\/\.well-known\/openid-configuration(\?|$)/.exec(req.url ?? '');
        if (discovery) {
          const issuer = `${issuerBase}/${discovery[1]}`;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] }),
          );
          return;
        }
        app(req, res);
      };
      // Also takes a Region endpoint's path prefix (`/eu-west-1/`) off the URL before anything routes it.
      if (fixes.requestRegion) regions.run(req, serve);
      else serve();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    issuerBase = url;
    tokenConfig.IssuerDomain = url;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // SDK clients keep connections alive; idle ones would hold close() open.
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 1000).unref();
        });
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      })());

    return {
      url,
      port,
      dataDir,
      close,
      onSms: (l) => phone.onSms(l),
      sent: phone.sent,
      injectFault: (rule) => faults.inject(rule),
      clearFaults: () => faults.clear(),
      useCustomSmsSender: (invoke) => phone.useCustomSmsSender(invoke),
      setReplicaStatus: (userPoolId, replicaRegion, status) => {
        if (!REPLICA_STATUSES.includes(status)) throw new Error(`not a replica status: ${String(status)}`);
        const replica = replicas.get(userPoolId, replicaRegion);
        if (!replica) throw new Error(`user pool ${userPoolId} has no replica in ${replicaRegion}`);
        replicas.setStatus(replica, status, true);
      },
      regionUrl: (r) => `${url}/${r}`,
      replaceClientSecret: async (clientId) => {
        const appClient = await cognito.getAppClient(ctx, clientId);
        if (!appClient?.ClientSecret) throw new Error(`app client ${clientId} does not exist or has no secret`);
        const secret = randomBytes(32).toString('hex').slice(0, 52);
        await (await cognito.getUserPool(ctx, appClient.UserPoolId)).saveAppClient(ctx, { ...appClient, ClientSecret: secret });
        return secret;
      },
    };
  } catch (e) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}
