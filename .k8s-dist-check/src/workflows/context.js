"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.targetRef = targetRef;
function targetRef(spec) {
    return { service: spec.service, environment: spec.environment, target: spec.target, router: spec.router };
}
//# sourceMappingURL=context.js.map