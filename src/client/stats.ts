/**
 * `sluice stats`: the delivery record of a service (or of all) over a window, from Temporal
 * visibility and the release results and memos only. The definitions are in
 * src/domain/delivery-record.ts; the reading in src/lib/delivery-history.ts (the worker's gauges
 * read the same way).
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { computeDeliveryRecord, type DeliveryRecord } from '../domain/delivery-record';
import { ErrorType } from '../domain/errors';
import { readDeliveryHistory } from '../lib/delivery-history';
import { SluiceClientError } from './errors';

const WINDOW = /^(\d+)(h|d|w)$/;
const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** `--since 90d`: how far back the record looks (hours, days or weeks). */
export const StatsWindow = z
  .string()
  .regex(WINDOW, 'must be a window like "90d", "12w" or "48h"')
  .transform((v) => {
    const m = WINDOW.exec(v)!;
    return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  })
  .refine((ms) => ms > 0, 'must be longer than zero');

export function parseStatsWindow(value: string): number {
  const parsed = StatsWindow.safeParse(value);
  if (!parsed.success) throw new SluiceClientError(ErrorType.InvalidSpec, `--since ${JSON.stringify(value)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

export interface StatsOptions {
  service?: string;
  environment?: string;
  /** Window length in milliseconds, ending now (or at `until`). */
  windowMs: number;
  until?: Date;
}

export async function deliveryRecord(temporal: Client, options: StatsOptions): Promise<DeliveryRecord> {
  const until = options.until ?? new Date();
  const since = new Date(until.getTime() - options.windowMs);
  const history = await readDeliveryHistory(temporal, {
    since,
    ...(options.service ? { service: options.service } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  return computeDeliveryRecord(history, since, until);
}
