"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SIDE = void 0;
exports.initialCountState = initialCountState;
exports.lookCount = lookCount;
exports.enoughTraffic = enoughTraffic;
const e_process_1 = require("./e-process");
exports.SIDE = { increase: 'greater', decrease: 'less', either: 'two-sided' };
function initialCountState() {
    return { canaryErrors: 0, baselineErrors: 0, canaryRequests: 0, baselineRequests: 0, pValue: 1, looks: [] };
}
function assertCount(name, v) {
    if (!(Number.isFinite(v) && v >= 0))
        throw new RangeError(`${name} must be a finite non-negative count, got ${v}`);
}
/** Fold one look into the state (pure: returns a new state). */
function lookCount(rule, state, inc) {
    for (const k of ['canaryErrors', 'canaryRequests', 'baselineErrors', 'baselineRequests'])
        assertCount(k, inc[k]);
    const canaryErrors = state.canaryErrors + Math.round(inc.canaryErrors);
    const baselineErrors = state.baselineErrors + Math.round(inc.baselineErrors);
    const canaryRequests = state.canaryRequests + inc.canaryRequests;
    const baselineRequests = state.baselineRequests + inc.baselineRequests;
    const rho = rule.canaryShare;
    const n = canaryErrors + baselineErrors;
    const logE = (0, e_process_1.betaBinomialLogE)(canaryErrors, n, { rho, k: rule.priorStrength }, exports.SIDE[rule.direction]);
    const pValue = (0, e_process_1.nextPValue)(state.pValue, logE);
    const look = {
        look: state.looks.length + 1,
        elapsedMs: inc.elapsedMs,
        canaryRequests,
        baselineRequests,
        logEValue: logE,
        eValue: (0, e_process_1.boundedE)(logE),
        pValue,
        canaryWorse: canaryWorse(rule.direction, canaryErrors, canaryRequests, baselineErrors, baselineRequests),
    };
    return { canaryErrors, baselineErrors, canaryRequests, baselineRequests, pValue, looks: [...state.looks, look] };
}
function canaryWorse(direction, ce, cr, be, br) {
    const c = cr > 0 ? ce / cr : 0;
    const b = br > 0 ? be / br : 0;
    if (direction === 'decrease')
        return c < b;
    if (direction === 'increase')
        return c > b;
    return c !== b;
}
function enoughTraffic(rule, state) {
    return state.canaryRequests >= rule.minRequests && state.baselineRequests >= rule.minRequests;
}
//# sourceMappingURL=count.js.map