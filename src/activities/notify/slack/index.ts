/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat take the same `text`):
 * the headline as `text` (what notifications and plain clients show) plus Block Kit sections
 * with the details and the Web UI link. The URL is the credential, read at delivery time.
 */
import { sinkName } from '../../../domain/notification-events';
import type { SlackSink } from '../../../domain/notifications';
import { formatDuration, headline } from '../payload';
import type { RenderedMessage, SinkAdapter } from '../sink';

const EMOJI: Record<RenderedMessage['event'], string> = {
  started: ':rocket:',
  'awaiting-approval': ':raised_hand:',
  promoted: ':white_check_mark:',
  'rolled-back': ':rewind:',
  aborted: ':octagonal_sign:',
  failed: ':x:',
  'drill.started': ':fire_drill:',
  'drill.passed': ':white_check_mark:',
  'drill.failed': ':rotating_light:',
  'drill.aborted': ':octagonal_sign:',
};

/** Slack's mrkdwn treats &, < and > specially. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fields(m: RenderedMessage): string[] {
  const out = [`*Service*\n${escape(m.service)}`, `*Environment*\n${escape(m.environment)}`];
  if (m.drillKind) out.push(`*Drill*\n${escape(m.drillKind)}`);
  if (m.version) out.push(`*Version*\n${escape(m.version)}`);
  if (m.previousVersion) out.push(`*Previous*\n${escape(m.previousVersion)}`);
  if (m.reason) out.push(`*Reason*\n${escape(m.reason)}`);
  if (m.timeToDetectMs != null) out.push(`*Time to detect*\n${formatDuration(m.timeToDetectMs)}`);
  if (m.timeToRestoreMs != null) out.push(`*Time to restore*\n${formatDuration(m.timeToRestoreMs)}`);
  if (m.budgetMs != null) out.push(`*Budget*\n${formatDuration(m.budgetMs)}`);
  return out.slice(0, 10); // Slack's limit per section
}

export const slackSink: SinkAdapter<SlackSink> = {
  kind: 'slack',
  request(sink, message, secret) {
    const text = `${EMOJI[message.event]} ${headline(message)}`;
    const blocks: unknown[] = [
      { type: 'section', text: { type: 'mrkdwn', text: escape(text) } },
      { type: 'section', fields: fields(message).map((f) => ({ type: 'mrkdwn', text: f })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escape(message.message).slice(0, 2900) }] },
    ];
    if (message.link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.link}|Temporal Web UI>` }] });
    return {
      url: secret(sink.url, `slack sink "${sinkName(sink)}" url`),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, blocks }),
    };
  },
};
