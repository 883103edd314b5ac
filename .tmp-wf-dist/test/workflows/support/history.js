"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.historyFromCliJson = historyFromCliJson;
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
const node_path_1 = require("node:path");
const proto = __importStar(require("@temporalio/proto"));
const patch_protobuf_root_1 = require("@temporalio/proto/lib/patch-protobuf-root");
const protoDir = (0, node_path_1.dirname)(require.resolve('@temporalio/proto/package.json'));
const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] }));
const historyType = (0, patch_protobuf_root_1.patchProtobufRoot)(proto).lookupType('temporal.api.history.v1.History');
function historyFromCliJson(json) {
    const history = fromJson(historyType, json, { ignoreUnknownFields: true });
    if (!history)
        throw new TypeError('not a Temporal history');
    return history;
}
//# sourceMappingURL=history.js.map