import type { RouterAdapter } from '../router';
import { HaproxyRouter, HaproxyRouterSettings } from '.';

/** The HAProxy router as the registry lists it: loopback targets only, reached at host:listenPort. */
export const haproxyAdapter: RouterAdapter = {
  kind: 'haproxy',
  settings: HaproxyRouterSettings,
  frontendUrl: (settings) => {
    const s = HaproxyRouterSettings.parse(settings);
    return `http://${s.host}:${s.listenPort}/`;
  },
  loopback: (settings, config) => new HaproxyRouter(settings, config.haproxy),
};
