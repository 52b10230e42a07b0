import { ValidationError } from '../errors';

/**
 * The code in an SMS text: a run of 4-8 digits standing alone (not part of a phone number or a
 * longer number). When several stand alone, the one right after the word "code" wins (Cognito's
 * "Your verification code is {####}."); if none follows "code", the message is ambiguous.
 * Every route that receives an SMS text (the callback's `message`, two-way SMS, Twilio) reads
 * codes with this one rule. Errors never repeat the digits: a refused text may hold a real code.
 */
export function extractCode(message: string): string {
  const candidates = [...message.matchAll(/(?<![\d+])\d{4,8}(?!\d)/g)].map((m) => m[0]);
  const distinct = [...new Set(candidates)];
  if (distinct.length === 1) return distinct[0];
  if (distinct.length === 0) throw new ValidationError('message', 'contains no 4-8 digit code');
  const afterWord = /\bcode\b\D{0,24}?(?<![\d+])(\d{4,8})(?!\d)/i.exec(message);
  if (afterWord) return afterWord[1];
  throw new ValidationError('message', `contains ${distinct.length} candidate codes and none follows the word "code"; send "code" instead`);
}
