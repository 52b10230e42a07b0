import type { StringRule } from '../validate';

/**
 * Step Functions execution names (the run id): 1-80 characters, no whitespace, none of
 * < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / and no control characters, as the API allows.
 */
export const RUN_ID: StringRule = {
  pattern: /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]+$/,
  min: 1,
  max: 80,
  describe: 'an execution name (no whitespace and none of <>{}[]?*"#%\\^|~`$&,;:/)',
};
