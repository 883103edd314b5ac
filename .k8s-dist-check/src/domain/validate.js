"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SpecValidationError = void 0;
exports.formatPath = formatPath;
exports.fieldErrors = fieldErrors;
exports.formatFieldErrors = formatFieldErrors;
exports.parseReleaseSpec = parseReleaseSpec;
exports.validateReleaseSpec = validateReleaseSpec;
const spec_1 = require("./spec");
function formatPath(path) {
    let out = '';
    for (const part of path) {
        if (typeof part === 'number')
            out += `[${part}]`;
        else
            out += out === '' ? String(part) : `.${String(part)}`;
    }
    return out === '' ? '(root)' : out;
}
function fieldErrors(error) {
    return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
/** One line per error: `sluice.yaml: strategy.steps[2].duration: must be a duration like …`. */
function formatFieldErrors(errors, source) {
    const prefix = source ? `${source}: ` : '';
    return errors.map((e) => `${prefix}${e.path}: ${e.message}`).join('\n');
}
function parseReleaseSpec(input) {
    const result = spec_1.ReleaseSpec.safeParse(input);
    return result.success ? { ok: true, spec: result.data } : { ok: false, errors: fieldErrors(result.error) };
}
/** Thrown by `validateReleaseSpec`; `errors` keeps the structured list for JSON output. */
class SpecValidationError extends Error {
    errors;
    source;
    constructor(errors, source) {
        super(`invalid release spec${source ? ` in ${source}` : ''}:\n${formatFieldErrors(errors, source)}`);
        this.errors = errors;
        this.source = source;
        this.name = 'SpecValidationError';
    }
}
exports.SpecValidationError = SpecValidationError;
function validateReleaseSpec(input, source) {
    const result = parseReleaseSpec(input);
    if (!result.ok)
        throw new SpecValidationError(result.errors, source);
    return result.spec;
}
//# sourceMappingURL=validate.js.map