/**
 * `npm run dashboard`: writes deploy/grafana/sluice.json from src/dashboards/sluice.ts. The JSON
 * is committed so Grafana provisioning (and people) can use it without building anything; the
 * dashboard test fails when the two differ.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/paths';
import { sluiceDashboard } from './sluice';

export const DASHBOARD_FILE = join('deploy', 'grafana', 'sluice.json');

/** The file's exact text: two-space JSON and a final newline. */
export function dashboardJson(): string {
  return `${JSON.stringify(sluiceDashboard(), null, 2)}\n`;
}

if (require.main === module) {
  const file = join(packageRoot(), DASHBOARD_FILE);
  writeFileSync(file, dashboardJson());
  console.log(`wrote ${file}`);
}
