/**
 * What the Prometheus HTTP API answers (https://prometheus.io/docs/prometheus/latest/querying/api/),
 * parsed at the boundary. Sample values are strings ("0.25", "NaN", "+Inf").
 */
import { z } from 'zod';

const SamplePair = z.tuple([z.number(), z.string()]);
const Labels = z.record(z.string(), z.string());

export const VectorData = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: Labels, value: SamplePair })),
});
export const MatrixData = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: Labels, values: z.array(SamplePair) })),
});
export const ScalarData = z.object({ resultType: z.literal('scalar'), result: SamplePair });
export const StringData = z.object({ resultType: z.literal('string'), result: SamplePair });

export const QueryData = z.discriminatedUnion('resultType', [VectorData, MatrixData, ScalarData, StringData]);
export type QueryData = z.infer<typeof QueryData>;

export const PrometheusResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: QueryData, warnings: z.array(z.string()).optional() }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);
export type PrometheusResponse = z.infer<typeof PrometheusResponse>;

/** Prometheus spells infinities "+Inf"/"-Inf", which Number() does not read. */
export function parseSampleValue(raw: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}
