/**
 * What the bake tests and the bake benchmark share: a process-target service behind its own
 * HAProxy frontend, a fast alert rule of their own in the stack's local rules dir, the stack's
 * Alertmanager and receiver made current, load through the router, and the run-time fault switch
 * of the example service (FAULT_CONTROL, loopback only).
 */
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertReceiverComponent } from '../../../src/dev/components/alert-receiver';
import { alertmanagerComponent } from '../../../src/dev/components/alertmanager';
import { reloadPrometheus } from '../../../src/dev/components/prometheus';
import { prometheusUrl } from '../../../src/dev/config';
import { stackUp } from '../../../src/dev/stack';
import { eventually, stack } from '../../helpers/stack';

/** The stack's Alertmanager routes to the receiver and the receiver runs (both idempotent). */
export async function ensureAlertPath(): Promise<void> {
  await stackUp(stack, [alertmanagerComponent, alertReceiverComponent]);
}

export const BAKE_ALERT = 'SluiceBakeTestErrorRatio';

/**
 * A rule of the test only: 5xx share of `/` above 20% over 4 s, evaluated every second, firing
 * at once (`for: 0s`), critical, with the service and environment labels the route and the
 * receiver need. Scoped to the given services so other tests' errors never fire it.
 */
export async function installAlertRule(name: string, services: string[]): Promise<() => Promise<void>> {
  const selector = `service=~"${services.join('|')}",handler="root"`;
  const rule = {
    groups: [
      {
        name,
        interval: '1s',
        rules: [
          {
            alert: BAKE_ALERT,
            expr: `sum by (service, environment) (rate(http_requests_total{${selector},code=~"5.."}[4s])) / sum by (service, environment) (rate(http_requests_total{${selector}}[4s])) > 0.2`,
            for: '0s',
            labels: { severity: 'critical' },
            annotations: { summary: '5xx share of / above 20% (bake test rule)' },
          },
        ],
      },
    ],
  };
  await mkdir(stack.prometheus.localRulesDir, { recursive: true });
  const file = join(stack.prometheus.localRulesDir, `${name}.yml`);
  await writeFile(file, stringify(rule));
  await reloadPrometheus(stack);
  await eventually(
    `Prometheus to load rule group ${name}`,
    async () => {
      const res = await fetch(`${prometheusUrl(stack)}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { data: { groups: { name: string }[] } };
      return body.data.groups.some((g) => g.name === name) ? true : undefined;
    },
    30000,
  );
  return async () => {
    await rm(file, { force: true });
    await reloadPrometheus(stack).catch(() => undefined);
  };
}

/** Changes the live fault of one go-service instance (FAULT_CONTROL=1; the test is a loopback caller). */
export async function setFault(instanceUrl: string, fault: { errorRate?: number; latencyMs?: number }): Promise<void> {
  const res = await fetch(`${instanceUrl}/debug/fault`, { method: 'PUT', body: JSON.stringify(fault), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`PUT ${instanceUrl}/debug/fault: ${res.status} ${await res.text()}`);
}

export interface LoadSample {
  /** When the request was sent and when its answer came. */
  sentAt: number;
  at: number;
  status: number;
  version: string | null;
}

/**
 * Steady requests to `/` through the router until stopped; keeps every answer with its time and
 * the version that answered (the body is `go-service <version>`), so a test or the benchmark can
 * find the first request v1 answered after a point in time.
 */
export function startLoad(url: string, ratePerSecond: number): { samples: LoadSample[]; stop: () => Promise<void> } {
  const samples: LoadSample[] = [];
  let running = true;
  const everyMs = 1000 / ratePerSecond;
  const inflight = new Set<Promise<void>>();
  const loop = (async () => {
    let next = Date.now();
    while (running) {
      const sentAt = Date.now();
      const p = (async () => {
        try {
          const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) });
          const text = await res.text();
          const m = /^go-service (\S+)/.exec(text);
          samples.push({ sentAt, at: Date.now(), status: res.status, version: m ? m[1]! : null });
        } catch {
          samples.push({ sentAt, at: Date.now(), status: 0, version: null });
        }
      })();
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      next += everyMs;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      await Promise.all([...inflight]);
    },
  };
}
