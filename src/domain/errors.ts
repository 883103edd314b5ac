import { ApplicationFailure } from '@temporalio/common';

/**
 * Every failure `type` Sluice raises, in one catalogue with one scheme: the string is `Sluice`
 * followed by the key. Workflows, the CLI and tests branch on these strings, never on error
 * classes (STYLE.md). Whether a failure is retried is decided where it is raised: bad input and
 * states a retry cannot change are non-retryable (`badInput`); a daemon or registry briefly away
 * is left to Temporal's retry policy (`transient`).
 */
export const ErrorType = {
  // --- The spec and other input: fix it, retrying cannot help -------------------------------
  /** The release spec failed validation; nothing was started. */
  InvalidSpec: 'SluiceInvalidSpec',
  /** Build or registry arguments failed validation (image name, tag, version, paths). */
  InvalidBuildInput: 'SluiceInvalidBuildInput',
  /** target.settings or router.settings failed validation. */
  InvalidTargetSettings: 'SluiceInvalidTargetSettings',
  /** How to reach Temporal is inconsistent (a TLS key without its certificate, ...). */
  InvalidConnectionSettings: 'SluiceInvalidConnectionSettings',
  /** Load rate, duration or concurrency outside the generator's bounds. */
  InvalidLoadSpec: 'SluiceInvalidLoadSpec',
  /** Load aimed outside 127.0.0.0/8 and ::1. */
  LoadTargetNotLoopback: 'SluiceLoadTargetNotLoopback',
  /** A template refers to an unknown variable, or a variable has characters a query cannot carry. */
  InvalidAnalysisTemplate: 'SluiceInvalidAnalysisTemplate',
  /** Scrape target registration was given bad input. */
  InvalidScrapeTargets: 'SluiceInvalidScrapeTargets',
  /** No target or router of that kind is registered. */
  UnknownAdapterKind: 'SluiceUnknownAdapterKind',
  /** No metric provider is registered for the query's kind. */
  UnknownMetricProvider: 'SluiceUnknownMetricProvider',
  /** The template asks a provider for something it cannot do (e.g. ranges from the web provider). */
  UnsupportedQuery: 'SluiceUnsupportedQuery',
  /** The router cannot do what was asked (a partial weight without a proxy, a router of another family). */
  RouterUnsupported: 'SluiceRouterUnsupported',
  /** The spec's strategy cannot run on its target (e.g. rolling without hosts on a target that does not roll its own instances). */
  StrategyUnsupported: 'SluiceStrategyUnsupported',

  // --- Source and build ------------------------------------------------------------------------
  /** The directory is not a git work tree, or has no commit yet. */
  NotAGitRepo: 'SluiceNotAGitRepo',
  /** A shallow clone without tags: the version would silently fall back to 0.0.0-dev. */
  ShallowClone: 'SluiceShallowClone',
  /** The nearest version tag is not strict semver (e.g. v1.2, v01.2.3, v1.2.3+meta). */
  BadVersionTag: 'SluiceBadVersionTag',
  /** A ref given to the changelog does not resolve to a commit. */
  UnknownRef: 'SluiceUnknownRef',
  /** The Dockerfile is missing from the build context. */
  MissingDockerfile: 'SluiceMissingDockerfile',
  /** The Dockerfile ran and failed (compile error, failing RUN step). */
  ImageBuildFailed: 'SluiceImageBuildFailed',
  /** `go build` failed for the process-target binary. */
  BinaryBuildFailed: 'SluiceBinaryBuildFailed',

  // --- Registry ----------------------------------------------------------------------------------
  /** The image to push does not exist locally. */
  ImageNotFound: 'SluiceImageNotFound',
  /** The registry refused the credentials. */
  RegistryAuth: 'SluiceRegistryAuth',
  /** The registry could not be reached or answered 5xx: retryable. */
  RegistryUnavailable: 'SluiceRegistryUnavailable',
  /**
   * TLS with the registry cannot work as configured: its certificate is not signed by a CA we
   * trust (SLUICE_REGISTRY_CA_FILE), the CA file is unreadable, or one side speaks https and the
   * other plain http.
   */
  RegistryTls: 'SluiceRegistryTls',
  /** The pushed digest and the registry's manifest digest disagree. */
  DigestMismatch: 'SluiceDigestMismatch',
  /** Deleting from the registry is disabled (storage.delete.enabled: false). */
  RegistryDeleteDisabled: 'SluiceRegistryDeleteDisabled',

  // --- Targets -----------------------------------------------------------------------------------
  /** The release lacks what the target runs (an imageRef for docker, a binary for process). */
  MissingArtifact: 'SluiceMissingArtifact',
  /** Something that is not ours listens on a port a role or a proxy needs. */
  PortInUse: 'SluicePortInUse',
  /** The instance started but never answered /readyz (or exited) within the timeout. */
  InstanceNotReady: 'SluiceInstanceNotReady',
  /** A Docker engine on tcp:// without TLS client certificates: refused, anyone on the path could run containers. */
  InsecureDockerEngine: 'SluiceInsecureDockerEngine',
  /** The TLS files of a remote Docker engine (ca.pem, cert.pem, key.pem in certDir) are missing or unreadable. */
  DockerEngineCertificates: 'SluiceDockerEngineCertificates',
  /** The release has no digest-pinned image reference (Kubernetes pins by digest). */
  ImageNotPinned: 'SluiceImageNotPinned',
  /** The Deployment reported ProgressDeadlineExceeded: a failed check that triggers compensation. */
  ProgressDeadlineExceeded: 'SluiceProgressDeadlineExceeded',
  /** The rollout did not finish within the activity's own wait budget. */
  RolloutTimeout: 'SluiceRolloutTimeout',
  /** A Deployment a step waits on was deleted meanwhile: retried, and the retry applies it again. */
  DeploymentGone: 'SluiceDeploymentGone',
  /** A rollback found no earlier ReplicaSet (or none holding the named release). */
  NoRollbackRevision: 'SluiceNoRollbackRevision',
  /** An analysis found no ready instance behind a candidate (a replica-ratio canary at weight 0 runs no pod). */
  NoReadyInstances: 'SluiceNoReadyInstances',

  // --- Analysis ----------------------------------------------------------------------------------
  /** The judge rejected its input (bad condition, mismatched data). */
  JudgeFailed: 'SluiceJudgeFailed',

  // --- Releases, as workflows and the client report them ---------------------------------------
  /** The deployment ended `failed` (after compensating). Details[0] holds the DeploymentResult. */
  DeploymentFailed: 'SluiceDeploymentFailed',
  /** A rollback could not be carried out. Details[0] holds the RollbackResult. */
  RollbackFailed: 'SluiceRollbackFailed',
  /** A release, rollback or drill for this service and environment is already running. */
  DeploymentInProgress: 'SluiceDeploymentInProgress',
  /** A drill ended `failed` (fault undetected, over budget, restore failed). Details[0] holds the DrillResult. */
  DrillFailed: 'SluiceDrillFailed',
  /** A drill was asked for while a release of the service and environment runs, or with nothing live to drill on. */
  DrillRefused: 'SluiceDrillRefused',
  /** No deployment of that service and environment is known to Temporal. */
  DeploymentNotFound: 'SluiceDeploymentNotFound',
  /** An approve update arrived while no gate awaited approval. */
  NotAwaitingApproval: 'SluiceNotAwaitingApproval',
  /** An approve update came from someone the approval policy does not name. */
  ApproverNotAllowed: 'SluiceApproverNotAllowed',
  /** The requested version is not among the retained releases. */
  ReleaseNotRetained: 'SluiceReleaseNotRetained',
  /** Temporal refused a request (an update's validator, a signal to a closed workflow). */
  RequestRejected: 'SluiceRequestRejected',
  /** Temporal's frontend could not be reached. */
  TemporalUnreachable: 'SluiceTemporalUnreachable',

  // --- Drill schedules (issue 13) ------------------------------------------------------------------
  /** `--every` / `--cron` missing, both given, or not a valid interval or cron expression. */
  InvalidDrillSchedule: 'SluiceInvalidDrillSchedule',
  /** No drill schedule with that service, environment and kind. */
  DrillScheduleNotFound: 'SluiceDrillScheduleNotFound',

  // --- Configuration (issue 16; docs/config.md) ------------------------------------------------------
  /** A config key is not an environment variable name, a value holds NUL, a secret is also a plain value, a dir source is missing. */
  InvalidConfig: 'SluiceInvalidConfig',
  /** A secret the spec names is in neither the environment nor the secrets directory where the instance starts. */
  ConfigSecretMissing: 'SluiceConfigSecretMissing',
  /** The config centre (etcd) could not be reached or did not answer in time: retried. */
  ConfigSourceUnavailable: 'SluiceConfigSourceUnavailable',
  /** A read at an etcd revision older than the last compaction: that history is gone. */
  ConfigRevisionCompacted: 'SluiceConfigRevisionCompacted',

  // --- Notifications -------------------------------------------------------------------------------
  /** A sink's secret (or secret URL) is not in the worker's environment or file, or is malformed. */
  NotificationSecretUnavailable: 'SluiceNotificationSecretUnavailable',
  /** The sink answered 4xx (other than 408/429): the request will not succeed as it is. */
  NotificationRejected: 'SluiceNotificationRejected',
  /** The sink could not be reached, timed out or answered 5xx/408/429: retried with backoff. */
  NotificationUndelivered: 'SluiceNotificationUndelivered',
  /** At least one sink did not get an event after every retry (notifyWorkflow); the release is unaffected. */
  NotificationFailed: 'SluiceNotificationFailed',

  // --- Payload encryption (issue 17; docs/encryption.md) ---------------------------------------------
  /** The payload keys file is missing, readable by others, not JSON, or holds a key that is not 32 bytes of base64. */
  CodecKeysInvalid: 'SluiceCodecKeysInvalid',
  /** A payload names a key the keys file does not hold, or does not decrypt with it. */
  CodecKeyUnknown: 'SluiceCodecKeyUnknown',

  // --- Signed approvals (issue 17; docs/workflows.md "Who may approve") ------------------------------
  /** An approve without a signature, to a gate with approvers, while the worker verifies approvals (SLUICE_APPROVER_KEYS). */
  ApprovalUnsigned: 'SluiceApprovalUnsigned',
  /** The approval's signature does not verify: another key, a tampered or malformed token, or one signed for another run or gate. */
  ApprovalSignatureInvalid: 'SluiceApprovalSignatureInvalid',
  /** The approval token was issued too long ago (or too far in the future): sign a fresh one. */
  ApprovalExpired: 'SluiceApprovalExpired',
  /** The worker's approver keys hold no public key for the name that signed. */
  ApproverKeyUnknown: 'SluiceApproverKeyUnknown',
  /** The worker's approver keys directory is missing, unreadable, or holds a file that is not an Ed25519 public key. */
  ApproverKeysInvalid: 'SluiceApproverKeysInvalid',
  /** The approver's own key file (sluice approve --key) is missing, readable by others, or not an Ed25519 private key. */
  ApproverKeyInvalid: 'SluiceApproverKeyInvalid',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Bad input, or a state retrying cannot change: the message says what to change. */
export function badInput(type: ErrorType, message: string, cause?: Error, details: unknown[] = []): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, cause, details });
}

/** A failure that may pass on retry (network, a daemon restarting): Temporal's retry policy decides. */
export function transient(type: ErrorType, message: string, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: false, cause });
}
