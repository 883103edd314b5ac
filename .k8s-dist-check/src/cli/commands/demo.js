"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerDemoCommand = registerDemoCommand;
const context_1 = require("../context");
function registerDemoCommand(program) {
    const cmd = program
        .command('demo')
        .description('on the embedded stack: three real releases of examples/go-service — v1 installed, v2 canary promoted, v3 (injected errors) rolled back automatically')
        .option('--keep', 'leave the demo service running at the end (default: remove it)')
        .option('--target <kind>', 'docker or process', 'docker');
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', '\nExamples:\n  sluice dev up && sluice demo\n  npm run demo\n');
    cmd.action(async (opts) => {
        const { runDemo } = require('../../demo');
        process.exitCode = await runDemo(opts);
    });
}
//# sourceMappingURL=demo.js.map