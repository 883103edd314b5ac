"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PortSettings = exports.LoopbackHost = void 0;
exports.portLayout = portLayout;
exports.derivedBasePort = derivedBasePort;
exports.slotPort = slotPort;
exports.parseSettings = parseSettings;
exports.safeName = safeName;
exports.configHash = configHash;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("./errors");
/** Loopback only: Sluice never binds or calls anything else (see the network rule in DESIGN). */
exports.LoopbackHost = zod_1.z
    .string()
    .refine((h) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1', 'must be a loopback address (127.0.0.0/8 or ::1)');
const Port = zod_1.z.number().int().min(1024).max(65535);
/**
 * Ports of the five slots. Either `basePort` (slots at base+0..base+4: stable-a, stable-b,
 * canary, baseline, preview) or explicit `ports`; neither = a base derived from the service and
 * environment names, so it is stable across runs without configuration.
 */
exports.PortSettings = zod_1.z.strictObject({
    host: exports.LoopbackHost.default('127.0.0.1'),
    basePort: Port.max(65530).optional(),
    ports: zod_1.z
        .strictObject({ stable: Port, stableAlt: Port, canary: Port, baseline: Port.optional(), preview: Port.optional() })
        .optional(),
});
function portLayout(settings, service, environment) {
    if (settings.ports) {
        const p = settings.ports;
        const layout = { 'stable-a': p.stable, 'stable-b': p.stableAlt, canary: p.canary, baseline: p.baseline ?? 0, preview: p.preview ?? 0 };
        const used = Object.values(layout).filter((v) => v !== 0);
        if (new Set(used).size !== used.length)
            throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.InvalidSettings, `target ports must differ: ${JSON.stringify(p)}`);
        return layout;
    }
    const base = settings.basePort ?? derivedBasePort(service, environment);
    return { 'stable-a': base, 'stable-b': base + 1, canary: base + 2, baseline: base + 3, preview: base + 4 };
}
/** 20000..29995 in steps of 5, from a hash of the names: deterministic, rarely colliding. */
function derivedBasePort(service, environment) {
    const h = (0, node_crypto_1.createHash)('sha256').update(`${service}/${environment}`).digest().readUInt32BE(0);
    return 20000 + (h % 2000) * 5;
}
function slotPort(layout, slot) {
    const port = layout[slot];
    if (!port)
        throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.InvalidSettings, `no port configured for the ${slot} slot (set target.settings.ports.${slot})`);
    return port;
}
function parseSettings(schema, raw, kind) {
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ');
        throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.InvalidSettings, `invalid ${kind} settings: ${detail}`);
    }
    return parsed.data;
}
/** Names Docker, HAProxy and file systems all accept. */
function safeName(...parts) {
    return parts.map((p) => p.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-')).join('-');
}
function configHash(parts) {
    return (0, node_crypto_1.createHash)('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
//# sourceMappingURL=settings.js.map