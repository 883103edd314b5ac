import * as semver from 'semver';
import { git, gitMaybe } from './git';
import { ErrorType, badInput } from '../../domain/errors';

/** Conventional-commit types we group by; anything else lands in `other`. */
export const CHANGE_TYPES = ['feat', 'fix', 'perf', 'refactor', 'revert', 'docs', 'test', 'build', 'ci', 'style', 'chore', 'other'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export type Bump = 'major' | 'minor' | 'patch' | 'none';

export interface ChangelogEntry {
  sha: string;
  shortSha: string;
  subject: string;
  author: string;
  date: string;
  type: ChangeType;
  scope: string | null;
  breaking: boolean;
  /** True when the subject follows `type(scope)!: description`. */
  conventional: boolean;
}

export interface Changelog {
  /** The previous release tag (exclusive start), or null when the history starts at the root. */
  fromRef: string | null;
  fromVersion: string | null;
  toRef: string;
  toCommit: string;
  entries: ChangelogEntry[];
  /** Entries by type, in CHANGE_TYPES order, empty groups left out. */
  groups: { type: ChangeType; entries: ChangelogEntry[] }[];
  /** feat → minor, breaking change → major, anything else → patch, no commits → none. */
  bump: Bump;
  /** fromVersion with the bump applied (0.1.0 when there is no previous release). */
  nextVersion: string | null;
  markdown: string;
}

export interface GenerateChangelogInput {
  repoDir: string;
  /** Exclusive start. Default: the highest release tag reachable from toRef, not on toRef itself. */
  fromRef?: string;
  /** Inclusive end, default HEAD. */
  toRef?: string;
  tagPrefix?: string;
}

const CONVENTIONAL = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^()]*)\))?(?<bang>!)?: (?<description>.+)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
const KNOWN = new Set<string>(CHANGE_TYPES);

export function classifyCommit(subject: string, body: string): Pick<ChangelogEntry, 'type' | 'scope' | 'breaking' | 'conventional'> {
  const m = CONVENTIONAL.exec(subject);
  const footerBreaking = BREAKING_FOOTER.test(body);
  if (!m?.groups) return { type: 'other', scope: null, breaking: footerBreaking, conventional: false };
  const type = m.groups.type.toLowerCase();
  return {
    type: (KNOWN.has(type) ? type : 'other') as ChangeType,
    scope: m.groups.scope?.trim() || null,
    breaking: m.groups.bang === '!' || footerBreaking,
    conventional: true,
  };
}

export function proposeBump(entries: readonly ChangelogEntry[]): Bump {
  if (entries.length === 0) return 'none';
  if (entries.some((e) => e.breaking)) return 'major';
  if (entries.some((e) => e.type === 'feat')) return 'minor';
  return 'patch';
}

async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw badInput(ErrorType.UnknownRef, `ref ${JSON.stringify(ref)} may not start with '-'`);
  const sha = await gitMaybe(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!sha) throw badInput(ErrorType.UnknownRef, `ref ${JSON.stringify(ref)} is not a commit in ${repoDir}`);
  return sha;
}

/** Highest strict-semver release tag merged into toCommit, excluding tags on toCommit itself. */
async function previousRelease(repoDir: string, toCommit: string, prefix: string): Promise<{ tag: string; version: string } | null> {
  const lines = await git(repoDir, ['tag', '--merged', toCommit, '--list', `${prefix}*`, '--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)']);
  let best: { tag: string; version: string } | null = null;
  for (const line of lines.split('\n').filter(Boolean)) {
    const [tag, object, peeled] = line.split('\t');
    if ((peeled || object) === toCommit) continue;
    const raw = tag.slice(prefix.length);
    const v = semver.parse(raw);
    // Malformed tags are skipped here (resolveVersion is where they are refused).
    if (!v || v.build.length || v.raw !== raw) continue;
    if (!best || semver.gt(v, best.version)) best = { tag, version: v.version };
  }
  return best;
}

export function renderMarkdown(log: Omit<Changelog, 'markdown'>): string {
  const title = log.nextVersion ? `## ${log.nextVersion} (proposed ${log.bump} bump)` : '## Changes';
  const range = `${log.fromRef ?? '(root)'}..${log.toCommit.slice(0, 7)}`;
  const out = [title, '', `Commits ${range}: ${log.entries.length}`];
  for (const g of log.groups) {
    out.push('', `### ${g.type}`);
    for (const e of g.entries) {
      const scope = e.scope ? `**${e.scope}:** ` : '';
      out.push(`- ${e.breaking ? '**BREAKING** ' : ''}${scope}${e.subject} (${e.shortSha}, ${e.author})`);
    }
  }
  return out.join('\n') + '\n';
}

export async function generateChangelog(input: GenerateChangelogInput): Promise<Changelog> {
  const prefix = input.tagPrefix ?? 'v';
  const toRef = input.toRef ?? 'HEAD';
  const toCommit = await resolveCommit(input.repoDir, toRef);
  let fromRef: string | null = null;
  let fromVersion: string | null = null;
  if (input.fromRef) {
    await resolveCommit(input.repoDir, input.fromRef);
    fromRef = input.fromRef;
    const raw = fromRef.startsWith(prefix) ? fromRef.slice(prefix.length) : fromRef;
    fromVersion = semver.valid(raw);
  } else {
    const prev = await previousRelease(input.repoDir, toCommit, prefix);
    fromRef = prev?.tag ?? null;
    fromVersion = prev?.version ?? null;
  }

  // Merge commits are left out: the commits they bring in are listed themselves.
  const range = fromRef ? [`${fromRef}..${toCommit}`] : [toCommit];
  const raw = await git(input.repoDir, ['log', '--no-merges', '--format=%H%x1f%h%x1f%an%x1f%aI%x1f%s%x1f%b%x1e', '--end-of-options', ...range]);
  const entries: ChangelogEntry[] = raw
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter(Boolean)
    .map((r) => {
      const [sha, shortSha, author, date, subject, body = ''] = r.split('\x1f');
      return { sha, shortSha, author, date, subject, ...classifyCommit(subject, body) };
    });

  const groups = CHANGE_TYPES.map((type) => ({ type, entries: entries.filter((e) => e.type === type) })).filter((g) => g.entries.length);
  const bump = proposeBump(entries);
  const nextVersion = bump === 'none' ? fromVersion : fromVersion ? semver.inc(fromVersion, bump) : '0.1.0';
  const log = { fromRef, fromVersion, toRef, toCommit, entries, groups, bump, nextVersion };
  return { ...log, markdown: renderMarkdown(log) };
}
