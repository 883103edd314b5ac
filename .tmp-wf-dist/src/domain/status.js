"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TERMINAL_PHASES = exports.PHASES = void 0;
exports.PHASES = [
    'pending',
    'building',
    'pushing',
    'deploying',
    'canary',
    'analysing',
    'awaiting-approval',
    'paused',
    'promoting',
    'succeeded',
    'rolling-back',
    'rolled-back',
    'failed',
    'aborted',
];
exports.TERMINAL_PHASES = ['succeeded', 'rolled-back', 'failed', 'aborted'];
//# sourceMappingURL=status.js.map