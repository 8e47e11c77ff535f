// Workflow histories to and from the proto3 JSON form the SDK's `historyToJSON` writes (the form
// of `temporal workflow show --output json`). The SDK's own `historyToJSON`/`historyFromJSON`
// (@temporalio/common/lib/proto-utils) fail here with "type must be a Type": npm installs one copy
// of protobufjs 8 under @temporalio/common and another under @temporalio/proto (the root copy is
// protobufjs 7 for gRPC), and protojson's `instanceof Type` check rejects the other copy's types.
// So the same conversion is done with the protobufjs that built @temporalio/proto's types.
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const protoJson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** The history as pretty-printed JSON, byte for byte what the SDK's `historyToJSON` writes. */
export function historyToJSON(history: History): string {
  return JSON.stringify(protoJson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** A history read back from JSON, as a proto message that `Worker.runReplayHistories` takes as is. */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a workflow history: expected an object with an array of events');
  }
  const history = protoJson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History | null;
  if (!history?.events?.length) throw new TypeError('not a workflow history: no events');
  return history;
}

/**
 * Options for `Worker.runReplayHistories`. The SDK replays in debug mode unless told otherwise:
 * workflow code then runs on the caller's own thread and installs the SDK's promise hook there for
 * good. That hook compiles a function for every promise the process creates from then on, so all
 * later work in the process ran slower (in a Jest worker every later test file: in an in-band
 * `npm test`, 15 % of the main thread's CPU). In a worker thread the hook goes when the thread does.
 */
export const REPLAY_IN_A_THREAD = { debugMode: false } as const;
