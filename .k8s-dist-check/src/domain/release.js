"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.imageTagForVersion = imageTagForVersion;
exports.commitFromVersion = commitFromVersion;
exports.releaseLabel = releaseLabel;
exports.sameRelease = sameRelease;
exports.matchesVersion = matchesVersion;
/** `v1.4.3-a1b2c3d` from `1.4.3+a1b2c3d`: the same rule as the build activities' imageTagFor. */
function imageTagForVersion(version) {
    return `v${version.replace('+', '-')}`;
}
/** The build metadata of a version (`a1b2c3d` in `1.4.3+a1b2c3d`), or '' when it has none. */
function commitFromVersion(version) {
    const plus = version.indexOf('+');
    return plus < 0 ? '' : version.slice(plus + 1);
}
/** A short human label: `svc 1.4.3+a1b2c3d`. */
function releaseLabel(release) {
    return `${release.service} ${release.version}`;
}
/** Two references name the same release when their version (or pinned artifact) agrees. */
function sameRelease(a, b) {
    if (!a || !b)
        return false;
    if (a.service !== b.service)
        return false;
    if (a.imageRef && b.imageRef)
        return a.imageRef === b.imageRef;
    return a.version === b.version;
}
/** A retained release matches a requested version by version, image tag, or digest reference. */
function matchesVersion(release, wanted) {
    const w = wanted.trim();
    return release.version === w || release.imageTag === w || `v${release.version}` === w || release.imageRef === w ||
        // "1.4.2" names 1.4.2+<anything>
        release.version.split('+')[0] === w.replace(/^v/, '');
}
//# sourceMappingURL=release.js.map