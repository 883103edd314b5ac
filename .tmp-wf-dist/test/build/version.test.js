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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const common_1 = require("@temporalio/common");
const semver = __importStar(require("semver"));
const changelog_1 = require("../../src/activities/build/changelog");
const errors_1 = require("../../src/activities/build/errors");
const version_1 = require("../../src/activities/build/version");
const helpers_1 = require("./helpers");
async function rejectsWith(p, type, pattern) {
    await strict_1.default.rejects(p, (err) => {
        strict_1.default.ok(err instanceof common_1.ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
        strict_1.default.equal(err.type, type);
        strict_1.default.equal(err.nonRetryable, true);
        strict_1.default.match(err.message, pattern);
        return true;
    });
}
(0, node_test_1.describe)('resolveVersion', () => {
    const repos = [];
    (0, node_test_1.after)(() => repos.forEach((r) => r.remove()));
    const repo = () => {
        const r = helpers_1.TestRepo.create('version');
        repos.push(r);
        return r;
    };
    (0, node_test_1.it)('gives an untagged repository a 0.0.0-dev.N pre-release', async () => {
        const r = repo();
        r.commit('initial import');
        r.commit('second');
        const v = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.equal(v.version, `0.0.0-dev.2+${r.short()}`);
        strict_1.default.equal(v.imageTag, `v0.0.0-dev.2-${r.short()}`);
        strict_1.default.equal(v.tag, null);
        strict_1.default.equal(v.prerelease, true);
        strict_1.default.equal(v.dirty, false);
    });
    (0, node_test_1.it)('uses the tag exactly on a tagged commit, and the next patch dev build after it', async () => {
        const r = repo();
        r.commit('feat: first');
        r.git('tag', '-a', 'v1.4.3', '-m', 'release 1.4.3');
        const onTag = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.equal(onTag.version, `1.4.3+${r.short()}`);
        strict_1.default.equal(onTag.imageTag, `v1.4.3-${r.short()}`);
        strict_1.default.equal(onTag.commit.length, 40);
        strict_1.default.equal(onTag.prerelease, false);
        strict_1.default.equal(onTag.distance, 0);
        r.commit('fix: after the tag');
        r.commit('chore: more');
        const after2 = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.equal(after2.version, `1.4.4-dev.2+${r.short()}`);
        strict_1.default.ok(semver.gt(after2.version, onTag.version), 'a later build sorts above the release');
        strict_1.default.equal((0, version_1.versionFromImageTag)(after2.imageTag)?.version, after2.version);
    });
    (0, node_test_1.it)('marks a dirty tree with a content hash so different edits never share a version', async () => {
        const r = repo();
        r.commit('one');
        r.git('tag', 'v2.0.0');
        r.write('untracked.txt', 'a');
        const a = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.match(a.version, new RegExp(`^2\\.0\\.1-dev\\.0\\.dirty-[0-9a-f]{7}\\+${r.short()}$`));
        strict_1.default.equal(a.dirty, true);
        strict_1.default.ok(semver.valid(a.version));
        const again = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.equal(again.version, a.version, 'same tree, same version');
        r.write('untracked.txt', 'b');
        const b = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.notEqual(b.version, a.version);
    });
    (0, node_test_1.it)('continues pre-release tags below the final release', async () => {
        const r = repo();
        r.commit('one');
        r.git('tag', 'v1.5.0-rc.1');
        strict_1.default.equal((await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' })).version, `1.5.0-rc.1+${r.short()}`);
        r.commit('two');
        const v = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' });
        strict_1.default.equal(v.version, `1.5.0-rc.1.dev.1+${r.short()}`);
        strict_1.default.ok(semver.lt(v.version, '1.5.0'));
    });
    (0, node_test_1.it)('honours a tag prefix for monorepos', async () => {
        const r = repo();
        r.commit('one');
        r.git('tag', 'v9.9.9');
        r.git('tag', 'svc/v0.3.1');
        const v = await (0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc', tagPrefix: 'svc/v' });
        strict_1.default.equal(v.version, `0.3.1+${r.short()}`);
    });
    (0, node_test_1.it)('refuses malformed version tags with a non-retryable failure', async () => {
        for (const tag of ['v1.2', 'v01.2.3', 'v1.2.3+meta', 'v1.2.3.4']) {
            const r = repo();
            r.commit('one');
            r.git('tag', tag);
            await rejectsWith((0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' }), errors_1.BuildErrorType.BadVersionTag, new RegExp(`git tag "${tag.replace(/[.+]/g, '\\$&')}" is not a release tag`));
        }
    });
    (0, node_test_1.it)('refuses a directory that is not a repository, and an empty repository', async () => {
        const dir = (0, helpers_1.tempDir)('norepo');
        try {
            await rejectsWith((0, version_1.resolveVersion)({ repoDir: dir, service: 'svc' }), errors_1.BuildErrorType.NotAGitRepo, /not a git work tree/);
        }
        finally {
            (0, helpers_1.removeDir)(dir);
        }
        const r = repo();
        await rejectsWith((0, version_1.resolveVersion)({ repoDir: r.dir, service: 'svc' }), errors_1.BuildErrorType.NotAGitRepo, /no commit yet/);
    });
    (0, node_test_1.it)('refuses a shallow clone whose tags are out of reach instead of guessing 0.0.0', async () => {
        const r = repo();
        r.commit('one');
        r.git('tag', 'v1.0.0');
        r.commit('two');
        r.commit('three');
        const clone = helpers_1.TestRepo.create('shallow');
        repos.push(clone);
        clone.git('fetch', '--quiet', '--depth=1', '--no-tags', `file://${r.dir}`, 'main');
        clone.git('checkout', '--quiet', 'FETCH_HEAD');
        await rejectsWith((0, version_1.resolveVersion)({ repoDir: clone.dir, service: 'svc' }), errors_1.BuildErrorType.ShallowClone, /shallow clone .*fetch-depth: 0/);
    });
    (0, node_test_1.it)('maps versions and image tags both ways', () => {
        strict_1.default.equal((0, version_1.imageTagFor)('1.4.3+a1b2c3d'), 'v1.4.3-a1b2c3d');
        strict_1.default.equal((0, version_1.imageTagFor)('1.4.4-dev.3+a1b2c3d'), 'v1.4.4-dev.3-a1b2c3d');
        strict_1.default.deepEqual((0, version_1.versionFromImageTag)('v1.4.4-dev.3-a1b2c3d'), { version: '1.4.4-dev.3+a1b2c3d', shortCommit: 'a1b2c3d' });
        strict_1.default.equal((0, version_1.versionFromImageTag)('sha-a1b2c3d'), undefined);
        strict_1.default.equal((0, version_1.versionFromImageTag)('latest'), undefined);
        strict_1.default.throws(() => (0, version_1.imageTagFor)('1.4.3'), /build metadata/);
    });
});
(0, node_test_1.describe)('generateChangelog', () => {
    (0, node_test_1.it)('lists commits since the previous release, grouped, with authors, through merges', async () => {
        const r = helpers_1.TestRepo.create('changelog');
        try {
            r.commit('feat: the beginning');
            r.git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
            r.git('tag', 'v1.0.0-garbage.tag.skip'); // valid semver but lower: must not be chosen
            r.git('tag', 'vnot-a-version'); // malformed: skipped by the changelog
            const fix = r.commit('fix(api): handle empty body', { author: 'Grace Hopper' });
            r.git('checkout', '--quiet', '-b', 'topic');
            const feat = r.commit('feat(ui)!: new dashboard layout');
            const free = r.commit('Update README wording');
            r.git('checkout', '--quiet', 'main');
            const perf = r.commit('perf: faster startup', { body: 'Details.\n\nBREAKING CHANGE: the --fast flag is gone' });
            r.git('merge', '--quiet', '--no-ff', 'topic', '-m', 'Merge branch topic');
            r.git('tag', 'v1.1.0');
            const log = await (0, changelog_1.generateChangelog)({ repoDir: r.dir, toRef: 'v1.1.0' });
            strict_1.default.equal(log.fromRef, 'v1.0.0');
            strict_1.default.equal(log.fromVersion, '1.0.0');
            strict_1.default.equal(log.toCommit, r.git('rev-parse', 'v1.1.0'));
            strict_1.default.deepEqual(new Set(log.entries.map((e) => e.sha)), new Set([fix, feat, free, perf]), 'merge commit left out, branch commits in');
            const byType = Object.fromEntries(log.groups.map((g) => [g.type, g.entries.map((e) => e.subject)]));
            strict_1.default.deepEqual(byType, {
                feat: ['feat(ui)!: new dashboard layout'],
                fix: ['fix(api): handle empty body'],
                perf: ['perf: faster startup'],
                other: ['Update README wording'],
            });
            const fixEntry = log.entries.find((e) => e.sha === fix);
            strict_1.default.equal(fixEntry.author, 'Grace Hopper');
            strict_1.default.equal(fixEntry.scope, 'api');
            strict_1.default.equal(log.entries.find((e) => e.sha === perf).breaking, true, 'BREAKING CHANGE footer');
            strict_1.default.equal(log.entries.find((e) => e.sha === free).conventional, false);
            strict_1.default.equal(log.bump, 'major');
            strict_1.default.equal(log.nextVersion, '2.0.0');
            strict_1.default.match(log.markdown, /### feat\n- \*\*BREAKING\*\* \*\*ui:\*\* feat\(ui\)!: new dashboard layout/);
            // From the next commit on, v1.1.0 is the previous release; a feat proposes a minor bump.
            r.commit('feat: small addition');
            r.commit('docs: typo');
            const next = await (0, changelog_1.generateChangelog)({ repoDir: r.dir });
            strict_1.default.equal(next.fromRef, 'v1.1.0');
            strict_1.default.deepEqual(next.entries.map((e) => e.type), ['docs', 'feat']);
            strict_1.default.equal(next.bump, 'minor');
            strict_1.default.equal(next.nextVersion, '1.2.0');
            const fixOnly = await (0, changelog_1.generateChangelog)({ repoDir: r.dir, fromRef: 'v1.0.0', toRef: fix });
            strict_1.default.equal(fixOnly.bump, 'patch');
            strict_1.default.equal(fixOnly.nextVersion, '1.0.1');
            const none = await (0, changelog_1.generateChangelog)({ repoDir: r.dir, fromRef: 'HEAD', toRef: 'HEAD' });
            strict_1.default.equal(none.bump, 'none');
            strict_1.default.equal(none.entries.length, 0);
            await strict_1.default.rejects((0, changelog_1.generateChangelog)({ repoDir: r.dir, toRef: 'no-such-ref' }), (e) => e instanceof common_1.ApplicationFailure && e.type === errors_1.BuildErrorType.UnknownRef && e.nonRetryable);
            await strict_1.default.rejects((0, changelog_1.generateChangelog)({ repoDir: r.dir, toRef: '--output=/tmp/x' }), (e) => e instanceof common_1.ApplicationFailure && e.type === errors_1.BuildErrorType.UnknownRef);
        }
        finally {
            r.remove();
        }
    });
    (0, node_test_1.it)('starts from the root commit when nothing was released yet', async () => {
        const r = helpers_1.TestRepo.create('changelog-root');
        try {
            r.commit('chore: init');
            r.commit('fix: a bug');
            const log = await (0, changelog_1.generateChangelog)({ repoDir: r.dir });
            strict_1.default.equal(log.fromRef, null);
            strict_1.default.equal(log.entries.length, 2);
            strict_1.default.equal(log.nextVersion, '0.1.0');
        }
        finally {
            r.remove();
        }
    });
});
//# sourceMappingURL=version.test.js.map