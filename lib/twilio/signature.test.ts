import { twilioSignature, urlVariants, verifyTwilioSignature } from './signature';

/**
 * Vectors: Twilio's documentation example (auth token 12345, this URL, these parameters; the
 * signature given in Twilio's api-snippets for security/signature_validation), and the vectors of
 * twilio-node's own validation tests (ports, repeated parameters, a quote in the query).
 */
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docParams = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });

describe('twilioSignature', () => {
  it.each([
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
  ])('matches Twilio’s documented example (Caller %s)', (caller, expected) => {
    expect(twilioSignature(TOKEN, URL, docParams(caller))).toBe(expected);
  });

  it('sorts parameters by name, case-sensitively, whatever order they arrive in', () => {
    const reversed = Object.fromEntries(Object.entries(docParams('+14158675309')).reverse());
    expect(twilioSignature(TOKEN, URL, reversed)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    // 'Z' (0x5A) sorts before 'a' (0x61): Unix-style, not locale order.
    const data = (p: Record<string, string>) => twilioSignature('k', 'https://h/p', p);
    expect(data({ a: '1', Z: '2' })).toBe(twilioSignature('k', 'https://h/pZ2a1', {}));
  });

  it('reads URLSearchParams with their decoded values (what Twilio signs), keeping repeated names', () => {
    const form = new URLSearchParams('To=%2B18005551212&Caller=%2B14158675309&From=%2B14158675309&Digits=1234&CallSid=CA1234567890ABCDE');
    expect(twilioSignature(TOKEN, URL, form)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs each value of a repeated name, sorted and distinct (twilio-node vectors)', () => {
    expect(twilioSignature(TOKEN, URL, { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] })).toBe(
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    );
    expect(twilioSignature(TOKEN, URL, { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] })).toBe(
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    );
    expect(twilioSignature(TOKEN, URL, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] })).toBe(
      'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
    );
    const form = new URLSearchParams('Digits=5678&Sid=CA123&Digits=1234&SidAccount=AC123');
    expect(twilioSignature(TOKEN, URL, form)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('uses the query string exactly as given (twilio-node vector with a quote and a +)', () => {
    expect(twilioSignature(TOKEN, `${URL}&Body=It's+amazing`, docParams('+14158675309'))).toBe('dsq4Ehbj6cs+KdTkpF5sSSplOWw=');
  });
});

describe('verifyTwilioSignature', () => {
  const params = docParams('+14158675309');

  it('accepts the documented signature and says which URL matched', () => {
    expect(verifyTwilioSignature(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', URL, params)).toEqual({ ok: true, url: URL });
  });

  it('accepts a signature over the URL with the standard port when the URL names none (twilio-node vector)', () => {
    expect(verifyTwilioSignature(TOKEN, 'kvajT1Ptam85bY51eRf/AJRuM3w=', URL, params)).toEqual({
      ok: true,
      url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2',
    });
    expect(verifyTwilioSignature(TOKEN, '0ZXoZLH/DfblKGATFgpif+LLRf4=', URL.replace('https', 'http'), params)).toMatchObject({ ok: true });
  });

  it('accepts a signature over the URL without its port, and one with a non-standard port (twilio-node vectors)', () => {
    const withPort = 'https://mycompany.com:1234/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', withPort, params)).toEqual({ ok: true, url: URL });
    expect(verifyTwilioSignature(TOKEN, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=', withPort.replace('https', 'http'), params)).toMatchObject({
      ok: true,
    });
  });

  it.each<[string, string | undefined, string]>([
    ['missing', undefined, URL],
    ['missing', '  ', URL],
    ['malformed', 'not base64!', URL],
    ['malformed', 'c2hvcnQ=', URL], // decodes to 5 bytes, not HMAC-SHA1's 20
    ['malformed', 'kvajT1Ptam85bY51eRf/AJRuM3w=kvajT1Ptam85bY51eRf/AJRuM3w=', URL],
    ['mismatch', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', URL], // a valid signature of other parameters
    ['mismatch', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php?foo=1&bar=3'],
    ['mismatch', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php'],
    ['mismatch', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://other.example/myapp.php?foo=1&bar=2'],
  ])('refuses (%s) header %j for %s', (reason, header, url) => {
    expect(verifyTwilioSignature(TOKEN, header, url, params)).toEqual({ ok: false, reason });
  });

  it('refuses a signature made with another auth token, or over changed parameters', () => {
    const good = twilioSignature(TOKEN, URL, params);
    expect(verifyTwilioSignature('54321', good, URL, params)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTwilioSignature(TOKEN, good, URL, { ...params, Digits: '9999' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTwilioSignature(TOKEN, good, URL, { ...params, Extra: '' })).toEqual({ ok: false, reason: 'mismatch' });
    const { Digits: _dropped, ...fewer } = params;
    expect(verifyTwilioSignature(TOKEN, good, URL, fewer)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it("compares the base64 string as Twilio sends it: without its '=' padding it is refused, with it accepted", () => {
    const good = twilioSignature(TOKEN, URL, params);
    expect(good).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature(TOKEN, good, URL, params)).toEqual({ ok: true, url: URL });
    // The same 20 bytes once decoded; not the string Twilio's validators compare.
    expect(Buffer.from(good.slice(0, -1), 'base64')).toEqual(Buffer.from(good, 'base64'));
    expect(verifyTwilioSignature(TOKEN, good.slice(0, -1), URL, params)).toEqual({ ok: false, reason: 'malformed' });
    // Nor the URL-safe alphabet, nor a second '=' (both decode alike under Node's lenient base64).
    expect(verifyTwilioSignature(TOKEN, good.replace('/', '_'), URL, params)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyTwilioSignature(TOKEN, `${good}=`, URL, params)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('tolerates whitespace around the header value', () => {
    expect(verifyTwilioSignature(TOKEN, ' RSOYDt4T1cUTdK1PDd93/VVr8B8= ', URL, params)).toMatchObject({ ok: true });
  });
});

describe('urlVariants', () => {
  it.each<[string, string[]]>([
    ['https://h.example/p?q=1', ['https://h.example/p?q=1', 'https://h.example:443/p?q=1']],
    ['http://h.example/p', ['http://h.example/p', 'http://h.example:80/p']],
    ['https://h.example:443/p', ['https://h.example:443/p', 'https://h.example/p']],
    ['http://127.0.0.1:4010/sms/twilio', ['http://127.0.0.1:4010/sms/twilio', 'http://127.0.0.1/sms/twilio']],
    ['https://user:pass@h.example/p', ['https://user:pass@h.example/p', 'https://user:pass@h.example:443/p']],
    ['https://[::1]:8443/p', ['https://[::1]:8443/p', 'https://[::1]/p']],
    ['https://h.example', ['https://h.example', 'https://h.example:443']],
    ['not a url', ['not a url']],
  ])('%s', (url, expected) => {
    expect(urlVariants(url)).toEqual(expected);
  });

  it('never re-encodes the query (a quote stays a quote)', () => {
    expect(urlVariants("https://h.example/p?b=It's+amazing")[0]).toBe("https://h.example/p?b=It's+amazing");
  });
});
