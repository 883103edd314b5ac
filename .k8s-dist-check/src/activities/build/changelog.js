"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.CHANGE_TYPES = void 0;
exports.classifyCommit = classifyCommit;
exports.proposeBump = proposeBump;
exports.renderMarkdown = renderMarkdown;
exports.generateChangelog = generateChangelog;
const semver = __importStar(require("semver"));
const errors_1 = require("./errors");
const git_1 = require("./git");
/** Conventional-commit types we group by; anything else lands in `other`. */
exports.CHANGE_TYPES = ['feat', 'fix', 'perf', 'refactor', 'revert', 'docs', 'test', 'build', 'ci', 'style', 'chore', 'other'];
const CONVENTIONAL = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^()]*)\))?(?<bang>!)?: (?<description>.+)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
const KNOWN = new Set(exports.CHANGE_TYPES);
function classifyCommit(subject, body) {
    const m = CONVENTIONAL.exec(subject);
    const footerBreaking = BREAKING_FOOTER.test(body);
    if (!m?.groups)
        return { type: 'other', scope: null, breaking: footerBreaking, conventional: false };
    const type = m.groups.type.toLowerCase();
    return {
        type: (KNOWN.has(type) ? type : 'other'),
        scope: m.groups.scope?.trim() || null,
        breaking: m.groups.bang === '!' || footerBreaking,
        conventional: true,
    };
}
function proposeBump(entries) {
    if (entries.length === 0)
        return 'none';
    if (entries.some((e) => e.breaking))
        return 'major';
    if (entries.some((e) => e.type === 'feat'))
        return 'minor';
    return 'patch';
}
async function resolveCommit(repoDir, ref) {
    if (ref.startsWith('-'))
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.UnknownRef, `ref ${JSON.stringify(ref)} may not start with '-'`);
    const sha = await (0, git_1.gitMaybe)(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    if (!sha)
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.UnknownRef, `ref ${JSON.stringify(ref)} is not a commit in ${repoDir}`);
    return sha;
}
/** Highest strict-semver release tag merged into toCommit, excluding tags on toCommit itself. */
async function previousRelease(repoDir, toCommit, prefix) {
    const lines = await (0, git_1.git)(repoDir, ['tag', '--merged', toCommit, '--list', `${prefix}*`, '--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)']);
    let best = null;
    for (const line of lines.split('\n').filter(Boolean)) {
        const [tag, object, peeled] = line.split('\t');
        if ((peeled || object) === toCommit)
            continue;
        const raw = tag.slice(prefix.length);
        const v = semver.parse(raw);
        // Malformed tags are skipped here (resolveVersion is where they are refused).
        if (!v || v.build.length || v.raw !== raw)
            continue;
        if (!best || semver.gt(v, best.version))
            best = { tag, version: v.version };
    }
    return best;
}
function renderMarkdown(log) {
    const title = log.nextVersion ? `## ${log.nextVersion} (proposed ${log.bump} bump)` : '## Changes';
    const range = `${log.fromRef ?? '(root)'}..${log.toCommit.slice(0, 7)}`;
    const out = [title, '', `Commits ${range}: ${log.entries.length}`];
    for (const g of log.groups) {
        out.push('', `### ${g.type}`);
        for (const e of g.entries) {
            const scope = e.scope ? `**${e.scope}:** ` : '';
            out.push(`- ${e.breaking ? '**BREAKING** ' : ''}${scope}${e.subject} (${e.shortSha}, ${e.author})`);
        }
    }
    return out.join('\n') + '\n';
}
async function generateChangelog(input) {
    const prefix = input.tagPrefix ?? 'v';
    const toRef = input.toRef ?? 'HEAD';
    const toCommit = await resolveCommit(input.repoDir, toRef);
    let fromRef = null;
    let fromVersion = null;
    if (input.fromRef) {
        await resolveCommit(input.repoDir, input.fromRef);
        fromRef = input.fromRef;
        const raw = fromRef.startsWith(prefix) ? fromRef.slice(prefix.length) : fromRef;
        fromVersion = semver.valid(raw);
    }
    else {
        const prev = await previousRelease(input.repoDir, toCommit, prefix);
        fromRef = prev?.tag ?? null;
        fromVersion = prev?.version ?? null;
    }
    // Merge commits are left out: the commits they bring in are listed themselves.
    const range = fromRef ? [`${fromRef}..${toCommit}`] : [toCommit];
    const raw = await (0, git_1.git)(input.repoDir, ['log', '--no-merges', '--format=%H%x1f%h%x1f%an%x1f%aI%x1f%s%x1f%b%x1e', '--end-of-options', ...range]);
    const entries = raw
        .split('\x1e')
        .map((r) => r.replace(/^\n/, ''))
        .filter(Boolean)
        .map((r) => {
        const [sha, shortSha, author, date, subject, body = ''] = r.split('\x1f');
        return { sha, shortSha, author, date, subject, ...classifyCommit(subject, body) };
    });
    const groups = exports.CHANGE_TYPES.map((type) => ({ type, entries: entries.filter((e) => e.type === type) })).filter((g) => g.entries.length);
    const bump = proposeBump(entries);
    const nextVersion = bump === 'none' ? fromVersion : fromVersion ? semver.inc(fromVersion, bump) : '0.1.0';
    const log = { fromRef, fromVersion, toRef, toCommit, entries, groups, bump, nextVersion };
    return { ...log, markdown: renderMarkdown(log) };
}
//# sourceMappingURL=changelog.js.map