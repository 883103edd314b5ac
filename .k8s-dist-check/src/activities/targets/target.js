"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SLOTS = void 0;
exports.roleOfSlot = roleOfSlot;
exports.instanceUrl = instanceUrl;
exports.pickCurrent = pickCurrent;
exports.freeStableSlot = freeStableSlot;
exports.endpointsOf = endpointsOf;
exports.SLOTS = ['stable-a', 'stable-b', 'canary', 'baseline', 'preview'];
function roleOfSlot(slot) {
    return slot === 'stable-a' || slot === 'stable-b' ? 'stable' : slot;
}
function instanceUrl(instance) {
    return `http://${instance.host}:${instance.port}`;
}
/** The current stable among recovered instances: the newest running one. */
function pickCurrent(instances) {
    return instances
        .filter((i) => i.role === 'stable' && i.running)
        .sort((a, b) => b.generation - a.generation)[0];
}
/**
 * Which stable slot a new stable instance goes to: the one the current stable does not hold, so
 * the old release keeps serving (and stays warm) while the new one starts.
 */
function freeStableSlot(instances, inPlace) {
    const current = pickCurrent(instances);
    if (inPlace)
        return current?.slot ?? 'stable-a';
    return current?.slot === 'stable-a' ? 'stable-b' : 'stable-a';
}
async function endpointsOf(instances) {
    const out = {};
    const current = pickCurrent(instances);
    if (current)
        out.stable = { url: instanceUrl(current), release: current.release };
    for (const i of instances) {
        if (i.role !== 'stable' && i.running)
            out[i.role] = { url: instanceUrl(i), release: i.release };
    }
    return out;
}
//# sourceMappingURL=target.js.map