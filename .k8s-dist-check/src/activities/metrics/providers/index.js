"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.errorMessage = exports.MetricInputError = exports.MetricsErrorType = exports.ROLES = exports.DEFAULT_WINDOW = exports.validateContext = exports.renderTemplate = exports.DEFAULT_WEB_TIMEOUT_MS = exports.webValueToMeasurement = exports.parseJsonPath = exports.readJsonPath = exports.createWebProvider = exports.DEFAULT_PROMETHEUS_TIMEOUT_MS = exports.createPrometheusProvider = exports.PROVIDER_FACTORIES = void 0;
exports.createProviders = createProviders;
exports.providerFor = providerFor;
const prometheus_1 = require("./prometheus");
const web_1 = require("./web");
const provider_1 = require("./provider");
exports.PROVIDER_FACTORIES = {
    prometheus: (deps) => (0, prometheus_1.createPrometheusProvider)(deps.prometheus),
    web: (deps) => (0, web_1.createWebProvider)(deps.web),
};
function createProviders(deps) {
    return { prometheus: exports.PROVIDER_FACTORIES.prometheus(deps), web: exports.PROVIDER_FACTORIES.web(deps) };
}
/** The provider for a query; the generic keeps the query and provider types paired. */
function providerFor(registry, query) {
    const provider = registry[query.kind];
    if (!provider)
        throw new provider_1.MetricInputError(provider_1.MetricsErrorType.UnknownProvider, `no metric provider for kind ${JSON.stringify(query.kind)}`);
    return provider;
}
var prometheus_2 = require("./prometheus");
Object.defineProperty(exports, "createPrometheusProvider", { enumerable: true, get: function () { return prometheus_2.createPrometheusProvider; } });
Object.defineProperty(exports, "DEFAULT_PROMETHEUS_TIMEOUT_MS", { enumerable: true, get: function () { return prometheus_2.DEFAULT_PROMETHEUS_TIMEOUT_MS; } });
var web_2 = require("./web");
Object.defineProperty(exports, "createWebProvider", { enumerable: true, get: function () { return web_2.createWebProvider; } });
Object.defineProperty(exports, "readJsonPath", { enumerable: true, get: function () { return web_2.readJsonPath; } });
Object.defineProperty(exports, "parseJsonPath", { enumerable: true, get: function () { return web_2.parseJsonPath; } });
Object.defineProperty(exports, "webValueToMeasurement", { enumerable: true, get: function () { return web_2.webValueToMeasurement; } });
Object.defineProperty(exports, "DEFAULT_WEB_TIMEOUT_MS", { enumerable: true, get: function () { return web_2.DEFAULT_WEB_TIMEOUT_MS; } });
var render_1 = require("./render");
Object.defineProperty(exports, "renderTemplate", { enumerable: true, get: function () { return render_1.renderTemplate; } });
Object.defineProperty(exports, "validateContext", { enumerable: true, get: function () { return render_1.validateContext; } });
Object.defineProperty(exports, "DEFAULT_WINDOW", { enumerable: true, get: function () { return render_1.DEFAULT_WINDOW; } });
var provider_2 = require("./provider");
Object.defineProperty(exports, "ROLES", { enumerable: true, get: function () { return provider_2.ROLES; } });
Object.defineProperty(exports, "MetricsErrorType", { enumerable: true, get: function () { return provider_2.MetricsErrorType; } });
Object.defineProperty(exports, "MetricInputError", { enumerable: true, get: function () { return provider_2.MetricInputError; } });
Object.defineProperty(exports, "errorMessage", { enumerable: true, get: function () { return provider_2.errorMessage; } });
//# sourceMappingURL=index.js.map