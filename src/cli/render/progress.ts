import type { DeploymentResult, DeploymentStatus, WatchEvent } from '../../client';
import { analysisLabel, checkLabel, eventLine, formatElapsed, outcomeLabel, stepLabel, versionLabel, weightBar } from './format';

/** Shows a release as it happens: one implementation per output (TTY, plain lines, JSON lines). */
export interface ProgressRenderer {
  start(info: { workflowId: string; runId: string; link: string }): void;
  update(event: WatchEvent): void;
  /** Called once at the end; removes any live block. */
  finish(result: DeploymentResult, link: string): void;
}

/** New events since the last update (the log is capped, so match on time + message, not index). */
class EventCursor {
  private seen = new Set<string>();
  next(status: DeploymentStatus): DeploymentStatus['events'] {
    const fresh = status.events.filter((e) => !this.seen.has(`${e.at}|${e.type}|${e.message}`));
    for (const e of fresh) this.seen.add(`${e.at}|${e.type}|${e.message}`);
    return fresh;
  }
}

/** Plain lines: one per workflow event, for CI logs and pipes. */
export class PlainRenderer implements ProgressRenderer {
  private cursor = new EventCursor();
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  start(info: { workflowId: string; link: string }): void {
    this.out.write(`workflow ${info.workflowId}\nweb ui   ${info.link}\n`);
  }
  update(event: WatchEvent): void {
    if (!event.status) return;
    for (const e of this.cursor.next(event.status)) this.out.write(`${eventLine(e, event.status.startedAt)}\n`);
  }
  finish(result: DeploymentResult, link: string): void {
    this.out.write(`${outcomeLabel(result)}\n${link}\n`);
  }
}

/** JSON lines: {"type":"started"|"status"|"result", ...}, one object per line. */
export class JsonRenderer implements ProgressRenderer {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  start(info: { workflowId: string; runId: string; link: string }): void {
    this.out.write(`${JSON.stringify({ type: 'started', ...info })}\n`);
  }
  update(event: WatchEvent): void {
    if (event.kind === 'status') this.out.write(`${JSON.stringify({ type: 'status', at: event.at.toISOString(), status: event.status })}\n`);
  }
  finish(result: DeploymentResult, link: string): void {
    this.out.write(`${JSON.stringify({ type: 'result', link, result })}\n`);
  }
}

/**
 * A live block redrawn in place (phase, step, weight bar, latest check/analysis, elapsed), with
 * the event log scrolling above it. Redraws every second too, so elapsed time moves.
 */
export class TtyRenderer implements ProgressRenderer {
  private cursor = new EventCursor();
  private drawn = 0;
  private status: DeploymentStatus | undefined;
  private started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private workflowId = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  start(info: { workflowId: string; link: string }): void {
    this.workflowId = info.workflowId;
    this.out.write(`workflow ${info.workflowId}\nweb ui   ${info.link}\n`);
    this.timer = setInterval(() => this.draw([]), 1000);
    this.timer.unref();
  }

  update(event: WatchEvent): void {
    if (!event.status) return;
    this.status = event.status;
    if (event.status.startedAt) this.started = Date.parse(event.status.startedAt);
    this.draw(this.cursor.next(event.status).map((e) => eventLine(e, event.status?.startedAt)));
  }

  finish(result: DeploymentResult, link: string): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
    this.out.write(`${outcomeLabel(result)}\n${link}\n`);
  }

  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(newLines: string[]): void {
    this.clear();
    for (const line of newLines) this.out.write(`${line}\n`);
    const block = this.block();
    for (const line of block) this.out.write(`\x1b[2K${line}\n`);
    this.drawn = block.length;
  }

  private block(): string[] {
    const s = this.status;
    const elapsed = formatElapsed(Date.now() - this.started);
    if (!s) return [`  waiting for a worker to pick up ${this.workflowId}…  ${elapsed}`];
    const flags = [
      s.paused ? 'PAUSED' : '',
      s.awaitingApproval ? `awaiting approval: ${s.awaitingApproval.gate} (sluice approve ${s.service} ${s.environment})` : '',
      s.abortRequested ? `abort requested by ${s.abortRequested.by}` : '',
    ]
      .filter(Boolean)
      .join('  ');
    const lines = [`  ${s.service} ${versionLabel(s)} → ${s.environment}   phase ${s.phase}  ${stepLabel(s)}   elapsed ${elapsed}`, `  weight ${weightBar(s.weight)}`];
    const check = checkLabel(s);
    if (check) lines.push(`  check  ${check}`);
    const analysis = analysisLabel(s);
    if (analysis) lines.push(`  analysis ${analysis}`);
    if (flags) lines.push(`  ${flags}`);
    const width = this.out.columns ?? 120;
    return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  }
}

export function createRenderer(output: 'text' | 'json', stream: NodeJS.WriteStream = process.stdout): ProgressRenderer {
  if (output === 'json') return new JsonRenderer(stream);
  return stream.isTTY ? new TtyRenderer(stream) : new PlainRenderer(stream);
}
