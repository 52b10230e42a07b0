import type { StringRule } from '../validate';

/**
 * Step Functions execution names (the run id): 1-80 characters, no whitespace, none of
 * < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / and no control characters, as the API allows.
 */
export const RUN_ID: StringRule = {
  // eslint-disable-next-line no-control-regex -- Step Functions refuses control characters in names; so does this
  pattern: /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$/,
  min: 1,
  max: 80,
  describe: 'an execution name (no whitespace and none of <>{}[]?*"#%\\^|~`$&,;:/)',
};
