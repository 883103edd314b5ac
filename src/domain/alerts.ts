/**
 * An alert as it reaches a release workflow: what the Alertmanager receiver keeps of one firing
 * alert of Alertmanager's webhook (labels identify the service and environment). Plain data.
 */
export interface AlertNotice {
  alertname: string;
  /** Alertmanager's fingerprint of the alert's labels: the same alert re-sent has the same one. */
  fingerprint: string;
  labels: Record<string, string>;
  /** When the alert started firing (Alertmanager's startsAt, ISO 8601). */
  startsAt: string;
  /** The summary annotation, when the rule has one. */
  summary?: string;
  /** When the receiver got it (ISO 8601). */
  receivedAt: string;
}
