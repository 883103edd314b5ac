"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SluicePhase = exports.SluiceVersion = exports.SluiceEnvironment = exports.SluiceService = void 0;
/**
 * Typed search attribute keys (Temporal SDK 1.24 API). The embedded stack registers them
 * (src/dev/config.ts SEARCH_ATTRIBUTES); the workflow upserts them as phases change, and the
 * client filters on them: `SluiceService = "api" AND SluiceEnvironment = "production" AND
 * SluicePhase = "rolled-back"`.
 */
const common_1 = require("@temporalio/common");
exports.SluiceService = (0, common_1.defineSearchAttributeKey)('SluiceService', common_1.SearchAttributeType.KEYWORD);
exports.SluiceEnvironment = (0, common_1.defineSearchAttributeKey)('SluiceEnvironment', common_1.SearchAttributeType.KEYWORD);
exports.SluiceVersion = (0, common_1.defineSearchAttributeKey)('SluiceVersion', common_1.SearchAttributeType.KEYWORD);
exports.SluicePhase = (0, common_1.defineSearchAttributeKey)('SluicePhase', common_1.SearchAttributeType.KEYWORD);
//# sourceMappingURL=search-attributes.js.map