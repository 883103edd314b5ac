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
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.formatIssues = exports.SpecError = exports.validateSpec = exports.readSpecFile = exports.resolveConnectionSettings = exports.visibilityUiLink = exports.workflowUiLink = exports.historyQuery = exports.isClientError = exports.SluiceClientError = exports.ClientErrorType = exports.specDigest = exports.defaultActor = exports.SluiceClient = void 0;
var client_1 = require("./client");
Object.defineProperty(exports, "SluiceClient", { enumerable: true, get: function () { return client_1.SluiceClient; } });
Object.defineProperty(exports, "defaultActor", { enumerable: true, get: function () { return client_1.defaultActor; } });
Object.defineProperty(exports, "specDigest", { enumerable: true, get: function () { return client_1.specDigest; } });
var errors_1 = require("./errors");
Object.defineProperty(exports, "ClientErrorType", { enumerable: true, get: function () { return errors_1.ClientErrorType; } });
Object.defineProperty(exports, "SluiceClientError", { enumerable: true, get: function () { return errors_1.SluiceClientError; } });
Object.defineProperty(exports, "isClientError", { enumerable: true, get: function () { return errors_1.isClientError; } });
var history_1 = require("./history");
Object.defineProperty(exports, "historyQuery", { enumerable: true, get: function () { return history_1.historyQuery; } });
var links_1 = require("./links");
Object.defineProperty(exports, "workflowUiLink", { enumerable: true, get: function () { return links_1.workflowUiLink; } });
Object.defineProperty(exports, "visibilityUiLink", { enumerable: true, get: function () { return links_1.visibilityUiLink; } });
__exportStar(require("./protocol"), exports);
var settings_1 = require("./settings");
Object.defineProperty(exports, "resolveConnectionSettings", { enumerable: true, get: function () { return settings_1.resolveConnectionSettings; } });
var spec_file_1 = require("./spec-file");
Object.defineProperty(exports, "readSpecFile", { enumerable: true, get: function () { return spec_file_1.readSpecFile; } });
Object.defineProperty(exports, "validateSpec", { enumerable: true, get: function () { return spec_file_1.validateSpec; } });
Object.defineProperty(exports, "SpecError", { enumerable: true, get: function () { return spec_file_1.SpecError; } });
Object.defineProperty(exports, "formatIssues", { enumerable: true, get: function () { return spec_file_1.formatIssues; } });
//# sourceMappingURL=index.js.map