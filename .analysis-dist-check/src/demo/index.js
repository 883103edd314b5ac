"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runDemo = runDemo;
async function runDemo(_opts) { console.log("demo: not wired yet"); return 1; }
//# sourceMappingURL=index.js.map