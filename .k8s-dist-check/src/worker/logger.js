"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.createPinoLogger = createPinoLogger;
exports.temporalLogger = temporalLogger;
const pino_1 = __importDefault(require("pino"));
function createPinoLogger(options = {}) {
    const opts = { name: options.name ?? 'sluice-worker', level: options.level ?? process.env.SLUICE_LOG_LEVEL ?? 'info', base: { pid: process.pid } };
    return options.destination ? (0, pino_1.default)(opts, options.destination) : (0, pino_1.default)(opts);
}
const LEVELS = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
};
/** Adapts pino to the SDK's Logger interface (Runtime.install({ logger })). */
function temporalLogger(logger) {
    const write = (level, message, meta) => {
        // Symbol keys (the SDK's LogTimestamp) are not JSON; pino drops them anyway.
        logger[LEVELS[level]](meta ?? {}, message);
    };
    return {
        log: write,
        trace: (m, meta) => write('TRACE', m, meta),
        debug: (m, meta) => write('DEBUG', m, meta),
        info: (m, meta) => write('INFO', m, meta),
        warn: (m, meta) => write('WARN', m, meta),
        error: (m, meta) => write('ERROR', m, meta),
    };
}
//# sourceMappingURL=logger.js.map