/**
 * When a scheduled drill runs: `--every <interval>` or `--cron <expression>`, exactly one,
 * validated here at the edge (zod) so a typo is refused with its flag's name before Temporal sees it.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const INTERVAL = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function intervalMs(value: string): number {
  const match = INTERVAL.exec(value);
  if (!match) throw new RangeError(`invalid interval ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export const DrillCadence = z
  .strictObject({
    every: z
      .string()
      .regex(INTERVAL, 'must be an interval like "168h", "7d", "30m" or "5s"')
      .refine((v) => !INTERVAL.test(v) || intervalMs(v) >= 1000, 'must be at least 1s')
      .optional(),
    cron: z
      .string()
      .refine((v) => v.trim().split(/\s+/).length === 5, 'must have five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * 1"')
      .superRefine((v, ctx) => {
        try {
          CronExpressionParser.parse(v, { tz: 'UTC' });
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `is not a cron expression: ${(err as Error).message}` });
        }
      })
      .optional(),
  })
  .refine((c) => (c.every === undefined) !== (c.cron === undefined), { message: 'give exactly one of --every <interval> or --cron <expression>' });
export type DrillCadence = z.infer<typeof DrillCadence>;

/** One line for a person: "every 168h" or "cron 0 3 * * 1 (UTC)". */
export function describeCadence(c: DrillCadence): string {
  return c.every ? `every ${c.every}` : `cron ${c.cron} (UTC)`;
}
