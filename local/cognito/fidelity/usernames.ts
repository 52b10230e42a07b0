import { UserPoolServiceImpl } from 'cognito-local/lib/services/userPoolService';
import { attributeValue } from 'cognito-local/lib/services/userPoolService';
import type { Clock } from 'cognito-local/lib/services/clock';
import type { Context } from 'cognito-local/lib/services/context';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore';
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory';
import type { User, UserPool, UserPoolService, UserPoolServiceFactory } from 'cognito-local/lib/services/userPoolService';
import { findByAlias } from './aliasAttributes';

/** The fixes that change how a pool finds a user by the name a request gives. */
export interface UserLookupFixes {
  caseInsensitiveUsernames: boolean;
  aliasAttributes: boolean;
}

/**
 * cognito-local ignores `UsernameConfiguration.CaseSensitive: false`: `USER1` neither signs in
 * as `user1` nor collides with it on SignUp. Every target finds users through
 * `getUserByUsername`, so making that one lookup case-insensitive (for such pools) fixes sign-in,
 * the duplicate check, confirmation and the admin calls at once. Usernames keep the case they
 * were created with.
 */
class CaseInsensitiveUserPoolService extends UserPoolServiceImpl {
  constructor(
    private readonly lookup: UserLookupFixes,
    ...args: ConstructorParameters<typeof UserPoolServiceImpl>
  ) {
    super(...args);
  }

  override async getUserByUsername(ctx: Context, username: string): Promise<User | null> {
    const exact = await super.getUserByUsername(ctx, username);
    if (exact) return exact;
    // A verified email/phone or a preferred_username, in pools with AliasAttributes (aliasAttributes.ts).
    if (this.lookup.aliasAttributes && this.options.AliasAttributes?.length) {
      const byAlias = findByAlias(this.options, await this.listUsers(ctx), username);
      if (byAlias) return byAlias;
    }
    if (!this.lookup.caseInsensitiveUsernames || this.options.UsernameConfiguration?.CaseSensitive !== false) return null;
    const wanted = username.toLowerCase();
    const users = await this.listUsers(ctx);
    return (
      users.find(
        (u) =>
          u.Username.toLowerCase() === wanted ||
          // Cognito also treats the email and preferred_username aliases case-insensitively.
          (this.options.UsernameAttributes?.includes('email') && attributeValue('email', u.Attributes)?.toLowerCase() === wanted),
      ) ?? null
    );
  }
}

/** Same as cognito-local's UserPoolServiceFactoryImpl, building the class above. */
export class CaseInsensitiveUserPoolServiceFactory implements UserPoolServiceFactory {
  constructor(
    private readonly clock: Clock,
    private readonly dataStoreFactory: DataStoreFactory,
    private readonly lookup: UserLookupFixes = { caseInsensitiveUsernames: true, aliasAttributes: false },
  ) {}

  async create(ctx: Context, clientsDataStore: DataStore, defaultOptions: UserPool): Promise<UserPoolService> {
    const dataStore = await this.dataStoreFactory.create(ctx, defaultOptions.Id, { Users: {}, Options: defaultOptions });
    const config = (await dataStore.get(ctx, 'Options', defaultOptions)) as UserPool;
    return new CaseInsensitiveUserPoolService(this.lookup, clientsDataStore, this.clock, dataStore, config);
  }
}
