/**
 * Typed search attribute keys (Temporal SDK 1.24 API). The embedded stack registers them
 * (src/dev/config.ts SEARCH_ATTRIBUTES); the workflow upserts them as phases change, and the
 * client filters on them: `SluiceService = "api" AND SluiceEnvironment = "production" AND
 * SluicePhase = "rolled-back"`. Strategy and weight feed the worker's state gauges
 * (sluice_release_info, sluice_canary_weight), read from visibility at scrape time. `SluiceKind`
 * is `drill` on drill workflows and on the release a bad-canary drill runs, so drills can be
 * filtered apart from releases (`SluiceKind = "drill"`, or `SluiceKind IS NULL` for releases).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SluiceService = defineSearchAttributeKey('SluiceService', SearchAttributeType.KEYWORD);
export const SluiceEnvironment = defineSearchAttributeKey('SluiceEnvironment', SearchAttributeType.KEYWORD);
export const SluiceVersion = defineSearchAttributeKey('SluiceVersion', SearchAttributeType.KEYWORD);
export const SluicePhase = defineSearchAttributeKey('SluicePhase', SearchAttributeType.KEYWORD);
export const SluiceStrategy = defineSearchAttributeKey('SluiceStrategy', SearchAttributeType.KEYWORD);
export const SluiceWeight = defineSearchAttributeKey('SluiceWeight', SearchAttributeType.INT);
export const SluiceKind = defineSearchAttributeKey('SluiceKind', SearchAttributeType.KEYWORD);
/**
 * One line per run for the Web UI's workflow list, which shows search attributes as columns but
 * not the static summary: `checkout 1.4.2 → 1.4.3 · canary 10% → 100%`, `rollback checkout 1.4.3 → 1.4.2`.
 */
export const SluiceSummary = defineSearchAttributeKey('SluiceSummary', SearchAttributeType.KEYWORD);
/** The config version a release runs with (`cfg-…`, issue 16), on releases with `config:`. */
export const SluiceConfigVersion = defineSearchAttributeKey('SluiceConfigVersion', SearchAttributeType.KEYWORD);
