"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.assertClose = assertClose;
const strict_1 = __importDefault(require("node:assert/strict"));
/** Assert |actual − expected| <= abs + rel·|expected|. */
function assertClose(actual, expected, rel = 1e-12, abs = 0, what = '') {
    const tol = abs + rel * Math.abs(expected);
    strict_1.default.ok(Math.abs(actual - expected) <= tol || (Number.isNaN(actual) && Number.isNaN(expected)), `${what} expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
}
//# sourceMappingURL=support.js.map