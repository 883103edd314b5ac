"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PrometheusResponse = exports.QueryData = exports.StringData = exports.ScalarData = exports.MatrixData = exports.VectorData = void 0;
exports.parseSampleValue = parseSampleValue;
/**
 * What the Prometheus HTTP API answers (https://prometheus.io/docs/prometheus/latest/querying/api/),
 * parsed at the boundary. Sample values are strings ("0.25", "NaN", "+Inf").
 */
const zod_1 = require("zod");
const SamplePair = zod_1.z.tuple([zod_1.z.number(), zod_1.z.string()]);
const Labels = zod_1.z.record(zod_1.z.string(), zod_1.z.string());
exports.VectorData = zod_1.z.object({
    resultType: zod_1.z.literal('vector'),
    result: zod_1.z.array(zod_1.z.object({ metric: Labels, value: SamplePair })),
});
exports.MatrixData = zod_1.z.object({
    resultType: zod_1.z.literal('matrix'),
    result: zod_1.z.array(zod_1.z.object({ metric: Labels, values: zod_1.z.array(SamplePair) })),
});
exports.ScalarData = zod_1.z.object({ resultType: zod_1.z.literal('scalar'), result: SamplePair });
exports.StringData = zod_1.z.object({ resultType: zod_1.z.literal('string'), result: SamplePair });
exports.QueryData = zod_1.z.discriminatedUnion('resultType', [exports.VectorData, exports.MatrixData, exports.ScalarData, exports.StringData]);
exports.PrometheusResponse = zod_1.z.discriminatedUnion('status', [
    zod_1.z.object({ status: zod_1.z.literal('success'), data: exports.QueryData, warnings: zod_1.z.array(zod_1.z.string()).optional() }),
    zod_1.z.object({ status: zod_1.z.literal('error'), errorType: zod_1.z.string(), error: zod_1.z.string() }),
]);
/** Prometheus spells infinities "+Inf"/"-Inf", which Number() does not read. */
function parseSampleValue(raw) {
    if (raw === '+Inf' || raw === 'Inf')
        return Infinity;
    if (raw === '-Inf')
        return -Infinity;
    return Number(raw);
}
//# sourceMappingURL=schema.js.map