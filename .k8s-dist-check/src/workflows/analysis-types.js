"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ANALYSIS_REASON = void 0;
/** Reasons the workflow itself gives (judges give their own). */
exports.ANALYSIS_REASON = {
    stopped: 'stopped: another template already decided',
    noCount: 'metric has no count and the analysis step has no window',
    allErrored: 'every measurement errored',
    loadFailed: 'load generator failed',
    invalid: 'invalid analysis templates',
};
//# sourceMappingURL=analysis-types.js.map