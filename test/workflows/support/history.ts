/**
 * Loads a JSON history (as `temporal workflow show --output json` writes it) into the SDK's
 * History message.
 *
 * Why not `historyFromJSON` from @temporalio/common: in this install @temporalio/common and
 * @temporalio/proto each carry their own copy of protobufjs 8 (the root holds protobufjs 7 for
 * grpc and dockerode, so npm cannot hoist them), and protojson's `instanceof Type` check fails
 * across copies ("type must be a Type"). Resolving protojson from @temporalio/proto's own copy
 * keeps types and parser in one copy.
 */
import { dirname } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type FromJson = (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => unknown;

const protoDir = dirname(require.resolve('@temporalio/proto/package.json'));
const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as { fromJson: FromJson };
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyFromCliJson(json: unknown): proto.temporal.api.history.v1.IHistory {
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a Temporal history');
  return history as proto.temporal.api.history.v1.IHistory;
}
