"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SpecError = void 0;
exports.formatIssues = formatIssues;
exports.formatPath = formatPath;
exports.deepMerge = deepMerge;
exports.readSpecFile = readSpecFile;
exports.position = position;
exports.validateSpec = validateSpec;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const yaml_1 = require("yaml");
const errors_1 = require("./errors");
class SpecError extends errors_1.SluiceClientError {
    file;
    issues;
    constructor(file, issues) {
        super(errors_1.ClientErrorType.InvalidSpec, formatIssues(file, issues));
        this.file = file;
        this.issues = issues;
        this.name = 'SpecError';
    }
}
exports.SpecError = SpecError;
function displayPath(file) {
    const rel = (0, node_path_1.isAbsolute)(file) ? (0, node_path_1.relative)(process.cwd(), file) : file;
    return rel && !rel.startsWith('..') ? rel : file;
}
function formatIssues(file, issues) {
    const name = displayPath(file);
    const lines = issues.map((i) => {
        const at = i.line !== undefined ? `${name}:${i.line}:${i.column ?? 1}` : name;
        return `  ${at}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
    });
    return `invalid spec ${name} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}
function formatPath(path) {
    let out = '';
    for (const key of path) {
        if (typeof key === 'number')
            out += `[${key}]`;
        else
            out += out ? `.${String(key)}` : String(key);
    }
    return out;
}
function isPlainObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function deepMerge(base, over) {
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const cur = out[k];
        out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : v;
    }
    return out;
}
function readSpecFile(file, environment) {
    let text;
    try {
        text = (0, node_fs_1.readFileSync)(file, 'utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT' ? 'no such file (pass -f <path> or run where sluice.yaml lives)' : code ?? String(err);
        throw new SpecError(file, [{ field: '', message: why }]);
    }
    const lineCounter = new yaml_1.LineCounter();
    const doc = (0, yaml_1.parseDocument)(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
        throw new SpecError(file, doc.errors.map((e) => {
            const at = lineCounter.linePos(e.pos[0]);
            return { field: '', message: `YAML ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line: at.line, column: at.col };
        }));
    }
    const data = doc.toJS();
    if (!isPlainObject(data))
        throw new SpecError(file, [{ field: '', message: 'expected a mapping of spec fields at the top level', line: 1, column: 1 }]);
    const { environments, ...base } = data;
    if (environments !== undefined && !isPlainObject(environments)) {
        throw new SpecError(file, [{ field: 'environments', message: 'expected a mapping of environment name to overrides', ...position(doc, lineCounter, ['environments']) }]);
    }
    const names = environments ? Object.keys(environments) : [];
    const chosen = environment ?? (typeof base.environment === 'string' ? base.environment : names.length === 1 ? names[0] : undefined);
    let raw = base;
    if (environments && chosen !== undefined) {
        const over = environments[chosen];
        if (over === undefined && !(base.environment === chosen)) {
            throw new SpecError(file, [{ field: 'environments', message: `no environment "${chosen}" (defined: ${names.join(', ') || 'none'})`, ...position(doc, lineCounter, ['environments']) }]);
        }
        if (over !== undefined && over !== null && !isPlainObject(over)) {
            throw new SpecError(file, [{ field: `environments.${chosen}`, message: 'expected a mapping of overrides', ...position(doc, lineCounter, ['environments', chosen]) }]);
        }
        raw = deepMerge(base, over ?? {});
    }
    if (chosen !== undefined)
        raw = { ...raw, environment: chosen };
    return { file, raw, environment: chosen, environments: names, doc, lineCounter };
}
/** Line and column of the YAML node at `path` (or its nearest existing ancestor). */
function position(doc, lineCounter, path) {
    for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (node && (node.range || (0, yaml_1.isMap)(node) || (0, yaml_1.isSeq)(node))) {
            const offset = node.range?.[0];
            if (offset === undefined)
                continue;
            const pos = lineCounter.linePos(offset);
            return { line: pos.line, column: pos.col };
        }
    }
    return {};
}
/**
 * Validates the merged spec; each zod issue becomes a SpecIssue located in the file. A field set
 * under `environments.<env>` is reported there, where the user wrote it.
 */
function validateSpec(loaded, schema) {
    const result = schema.safeParse(loaded.raw);
    if (result.success)
        return result.data;
    const issues = result.error.issues.map((issue) => {
        const path = issue.path;
        const candidates = [path];
        if (loaded.environment !== undefined)
            candidates.unshift(['environments', loaded.environment, ...path]);
        // Point at the deepest part of the path the user actually wrote, in the override or the base.
        const best = candidates
            .map((p) => ({ p, depth: existingDepth(loaded.doc, p) - (p === path ? 0 : 2) }))
            .sort((a, b) => b.depth - a.depth)[0];
        return { field: formatPath(path), message: issue.message, ...position(loaded.doc, loaded.lineCounter, best.p) };
    });
    throw new SpecError(loaded.file, issues);
}
function existingDepth(doc, path) {
    for (let n = path.length; n > 0; n--)
        if (doc.hasIn(path.slice(0, n)))
            return n;
    return 0;
}
//# sourceMappingURL=spec-file.js.map