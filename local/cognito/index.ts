export { startLocalCognito } from './server';
export type { LocalCognito, LocalCognitoOptions } from './server';
export type { SentSms } from './fakePhone';
export type { FaultRule, InjectedFault } from './faults';
export { maskDestination, maskEmail, maskPhoneNumber } from './mask';
export { passwordPolicyViolation } from './fidelity/passwordPolicy';
export { FIDELITY_FIXES } from './fidelity/types';
export type { FidelityFix, FidelityOptions } from './fidelity/types';
export { LOCAL_ACCOUNT_ID } from './fidelity/regionalIds';
