'use strict';
/**
 * Removes the Serverless Framework's default Lambda role (`IamRoleLambdaExecution`) from the
 * packaged template when nothing uses it.
 *
 * The framework always creates that role, and serverless-iam-roles-per-function copies it as the
 * template of each function's own role, so it cannot be switched off in serverless.yml. Once every
 * function has its own role, the default one is an unused role that can write to every function's
 * log group: it goes. It is kept, with a notice, as soon as anything in the template refers to it
 * (a function without `iamRoleStatements`, a resource naming it), so removing it never breaks a
 * deploy.
 *
 * Runs just before the template is written (`aws:package:finalize:saveServiceState`), after the
 * per-function roles exist and the `resources` section has been merged.
 */

/**
 * Whether a template node refers to `id`: Ref, Fn::GetAtt, Fn::Sub `${Id}` / `${Id.Attr}`, DependsOn.
 * @param {string} id
 * @param {unknown} node
 * @returns {boolean}
 */
function referencesTo(id, node) {
  if (Array.isArray(node)) return node.some((item) => referencesTo(id, item));
  if (!node || typeof node !== 'object') return false;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'Ref' && value === id) return true;
    if (key === 'Fn::GetAtt') {
      const target = Array.isArray(value) ? value[0] : String(value).split('.')[0];
      if (target === id) return true;
    }
    if (key === 'Fn::Sub') {
      const text = Array.isArray(value) ? value[0] : value;
      if (typeof text === 'string' && new RegExp(`\\$\\{${id}(\\.[^}]*)?\\}`).test(text)) return true;
    }
    if (key === 'DependsOn' && (Array.isArray(value) ? value : [value]).includes(id)) return true;
    if (referencesTo(id, value)) return true;
  }
  return false;
}

/**
 * The ids of the template's resources and outputs that refer to the role; empty means it is unused.
 * @param {{ Resources?: Record<string, unknown>, Outputs?: Record<string, unknown> }} template
 * @param {string} roleId
 * @returns {string[]}
 */
function usersOf(template, roleId) {
  /** @type {string[]} */
  const users = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (id !== roleId && referencesTo(roleId, resource)) users.push(id);
  }
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    if (referencesTo(roleId, output)) users.push(`Outputs.${id}`);
  }
  return users;
}

/** Deletes the role from the template when unused; returns what happened, for the log. */
function dropUnusedDefaultRole(template, roleId = 'IamRoleLambdaExecution') {
  if (!template.Resources?.[roleId]) return { dropped: false, users: [] };
  const users = usersOf(template, roleId);
  if (users.length > 0) return { dropped: false, users };
  delete template.Resources[roleId];
  return { dropped: true, users: [] };
}

class DropUnusedDefaultRolePlugin {
  /**
   * @param {any} serverless the framework instance (no types published for plugins)
   * @param {unknown} _options
   * @param {{ log?: { info(message: string): void, notice(message: string): void } }} [utils]
   */
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log ?? { info: (m) => console.log(m), notice: (m) => console.log(m) };
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.drop(),
    };
  }

  drop() {
    const provider = this.serverless.getProvider('aws');
    const roleId = provider.naming.getRoleLogicalId();
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const result = dropUnusedDefaultRole(template, roleId);
    if (result.dropped) {
      this.log.info(`${roleId}: every function has its own role; the unused default role is left out of the template.`);
    } else if (result.users.length > 0) {
      this.log.notice(`${roleId} is kept: ${result.users.join(', ')} use it (give every function iamRoleStatements to drop it).`);
    }
  }
}

module.exports = DropUnusedDefaultRolePlugin;
module.exports.dropUnusedDefaultRole = dropUnusedDefaultRole;
module.exports.usersOf = usersOf;
