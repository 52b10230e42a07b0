/**
 * Texts that are a keyword, not a code: opt-out, opt-in and help words that carriers, End User
 * Messaging and Twilio answer themselves (AWS and Twilio defaults). A receiver ignores them,
 * whatever digits a carrier may append.
 */
const KEYWORDS = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'OPT-OUT',
  'REVOKE',
  'START',
  'UNSTOP',
  'YES',
  'SUBSCRIBE',
  'OPTIN',
  'OPT-IN',
  'HELP',
  'INFO',
]);

/** The keyword a text is (upper case), or undefined. `declared` is the sender's own reading (two-way SMS `messageKeyword`). */
export function keywordOf(text: string, declared?: string): string | undefined {
  const word = text.trim().toUpperCase();
  if (KEYWORDS.has(word)) return word;
  const named = declared?.trim().toUpperCase();
  if (named && KEYWORDS.has(named) && word.startsWith(named)) return named;
  return undefined;
}
