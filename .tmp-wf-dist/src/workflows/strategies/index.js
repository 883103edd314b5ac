"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runStrategy = runStrategy;
const blue_green_1 = require("./blue-green");
const canary_1 = require("./canary");
const recreate_1 = require("./recreate");
/** The one switch over strategy kinds; a new kind fails to compile until it is handled here. */
async function runStrategy(ctx, strategy) {
    switch (strategy.kind) {
        case 'canary':
            return (0, canary_1.runCanary)(ctx, strategy);
        case 'blueGreen':
            return (0, blue_green_1.runBlueGreen)(ctx, strategy);
        case 'recreate':
            return (0, recreate_1.runRecreate)(ctx, strategy);
        default: {
            const unhandled = strategy;
            throw new Error(`unhandled strategy ${JSON.stringify(unhandled)}`);
        }
    }
}
//# sourceMappingURL=index.js.map