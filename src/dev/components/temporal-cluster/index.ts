import type { Component } from '../../component';
import type { TemporalMode } from '../../config';
import { temporalPostgresComponent } from './postgres';
import { TEMPORAL_SERVICE_COMPONENTS } from './server';
import { temporalUiComponent } from './ui';

/**
 * The Temporal cluster of `sluice dev up --temporal cluster`, in start order: PostgreSQL, the four
 * server services, the Web UI. It takes the dev server's place (same frontend and UI ports).
 */
export const TEMPORAL_CLUSTER_COMPONENTS: readonly Component[] = [temporalPostgresComponent, ...TEMPORAL_SERVICE_COMPONENTS, temporalUiComponent];

export function parseTemporalMode(value: string): TemporalMode {
  if (value !== 'dev' && value !== 'cluster') throw new Error(`--temporal wants dev or cluster, not ${JSON.stringify(value)}`);
  return value;
}
