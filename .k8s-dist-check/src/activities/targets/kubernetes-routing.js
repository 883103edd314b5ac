"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=kubernetes-routing.js.map