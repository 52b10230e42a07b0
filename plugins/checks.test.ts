import { parse } from 'yaml';

const { readChecks } = require('./checks.js');

/** checks.yml as YAML reads it: a phone written without quotes is a number by then (issue 20, item 5). */
const PARAMS = { checkScheduleState: 'DISABLED', checkTarget: 'MyUserPool', checkPhoneNumber: '' };
const read = (yaml: string) => readChecks({ doc: parse(yaml), stage: 'prod', params: PARAMS });

describe('checks.yml phone', () => {
  it('an unquoted +E.164 number (YAML reads a number) is refused with the line to write instead', () => {
    const doc = parse('default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    phone: +12065550142\n');
    expect(doc.default[0].phone).toBe(12065550142);
    expect(read('default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    phone: +12065550142\n')).toMatchObject({
      checks: [],
      errors: [
        "checks.yml default[0] (signin): phone is a number, not text (YAML reads an unquoted +<digits> as a number): quote it: phone: '+12065550142'",
      ],
    });
  });

  it('the same number quoted is taken as written', () => {
    const { checks, errors } = read(
      "default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    phone: '+12065550142'\n",
    );
    expect(errors).toEqual([]);
    expect(checks[0].phone).toBe('+12065550142');
  });

  it('a number too long to be a phone still says to quote it, without guessing its digits', () => {
    const { errors } = read(
      'default:\n  - name: signin\n    kind: signin\n    schedule: rate(5 minutes)\n    phone: +120655501421234567890\n',
    );
    expect(errors).toEqual([
      "checks.yml default[0] (signin): phone is a number, not text (YAML reads an unquoted +<digits> as a number): quote it: phone: '+<country code and number>'",
    ]);
  });
});
