import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/**
 * Leaves the wording of error messages alone. Clients and tests rely on the stable code of a domain error
 * (`LOAN.NOT_GUARANTEED`), never on its message, so a mutant that only changes the message is equivalent
 * for every user of the code. Ignored: the message argument of `new DomainError(code, message, ...)`, of
 * the `invalid`, `broken` and `notFound` factories (and the reference data's `unknown`), and of
 * `new Error(message)` / `new RangeError(message)`. The code, the kind and the details are still mutated.
 */
const MESSAGE_ARGUMENT = new Map([
  ['DomainError', 1],
  ['invalid', 1],
  ['broken', 1],
  ['notFound', 1],
  ['unknown', 1],
  ['Error', 0],
  ['RangeError', 0],
]);

const errorMessages = {
  shouldIgnore(path) {
    const call = path.parentPath;
    if (!call || !(call.isCallExpression() || call.isNewExpression()) || path.listKey !== 'arguments') return undefined;
    const callee = call.node.callee;
    if (callee.type !== 'Identifier' || MESSAGE_ARGUMENT.get(callee.name) !== path.key) return undefined;
    return 'The wording of an error message: callers rely on the error code (docs/mutation.md).';
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'error-messages', errorMessages)];
