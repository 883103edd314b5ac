import type { DeploymentEvent, DeploymentResult, DeploymentStatus } from '../../client';

/** Small formatting helpers shared by the renderers, the tables and the demo summary. */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function weightBar(weight: number, width = 20): string {
  const w = Math.max(0, Math.min(100, Math.round(weight)));
  const filled = Math.round((w / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(w).padStart(3)}%`;
}

export function stepLabel(status: DeploymentStatus): string {
  if (status.stepCount <= 0 || status.stepIndex < 0) return '';
  return `step ${Math.min(status.stepIndex + 1, status.stepCount)}/${status.stepCount}`;
}

export function checkLabel(status: DeploymentStatus): string {
  const c = status.lastCheck;
  if (!c) return '';
  return `${c.ok ? 'ok' : 'FAIL'} ${c.summary}${c.consecutiveFailures ? ` (${c.consecutiveFailures} failed in a row)` : ''}`;
}

/** Latest analysis measurements, when the status carries them (canary-analysis issue). */
export function analysisLabel(status: DeploymentStatus): string {
  const a = (status as unknown as { lastAnalysis?: unknown }).lastAnalysis;
  if (!a || typeof a !== 'object') return '';
  const metrics = (a as { metrics?: unknown }).metrics;
  if (Array.isArray(metrics)) {
    return metrics
      .map(
        (m: { name?: string; value?: unknown; phase?: string }) =>
          `${m.name ?? '?'}=${typeof m.value === 'number' ? +m.value.toPrecision(3) : String(m.value ?? '-')}${m.phase ? ` ${m.phase}` : ''}`,
      )
      .join(', ');
  }
  return JSON.stringify(a).slice(0, 120);
}

export function versionLabel(status: DeploymentStatus): string {
  return status.release?.version ?? '(resolving version)';
}

export function eventLine(event: DeploymentEvent, startedAt?: string): string {
  const rel = startedAt ? `+${formatMs(Date.parse(event.at) - Date.parse(startedAt))}` : event.at;
  return `${rel.padStart(9)}  ${event.type.padEnd(18)} ${event.message}`;
}

/** `svc 1.4.3+a1b2c3d`; just `svc` when the release ended before its version was known. */
function subjectOf(result: DeploymentResult): string {
  return [result.service, result.release?.version].filter(Boolean).join(' ') || '(unknown release)';
}

export function outcomeLabel(result: DeploymentResult): string {
  const subject = subjectOf(result);
  switch (result.outcome) {
    case 'promoted':
      return `promoted ${subject} (${result.reason})`;
    case 'rolled-back':
      return `ROLLED BACK ${subject}: ${result.reason}${result.timeToRollbackMs !== null ? `, restored in ${formatMs(result.timeToRollbackMs)}` : ''}`;
    case 'aborted':
      return `ABORTED ${subject}: ${result.message}`;
    case 'failed':
      return `FAILED ${subject}: ${result.message}`;
    default:
      return String((result as { outcome: unknown }).outcome);
  }
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
