/**
 * What Cognito takes as an email address or a phone number where it sorts names by shape: a
 * username on a `UsernameAttributes` pool, and the usernames an `AliasAttributes` pool refuses.
 */
// Cognito checks the address is well formed, not that it exists.
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// E.164, as the phone_number attribute requires.
export const PHONE = /^\+\d{1,15}$/;

/** Two attribute values are the same one (emails compare without case where the caller says so). */
export const sameValue = (a: string | undefined, b: string, caseInsensitive: boolean) =>
  a !== undefined && (caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
