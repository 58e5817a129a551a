/**
 * What one server process runs (SERVER_ROLE, issue 19). The device plane is the MQTT side: device
 * messages, arm decisions, ingest, presence, revocation delivery and the device PKI's timers. The api
 * is HTTP (the UI, reports, exports) and the background work people see (notifications, scanners,
 * archive). `all` is both in one process, as replicas behind an external broker run.
 */
export const SERVER_ROLES = ['all', 'device', 'api'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

/** The device plane: subscriptions to device topics, revocation delivery, presence, decision recovery. */
export function runsDevicePlane(config: { serverRole?: ServerRole }): boolean {
  return (config.serverRole ?? 'all') !== 'api';
}

/** The HTTP API and the background work it owns (notifications, scanners, archive, imports). */
export function runsApi(config: { serverRole?: ServerRole }): boolean {
  return (config.serverRole ?? 'all') !== 'device';
}

/** The device role's HTTP server answers these only (health for the launcher and probes). */
export function devicePlaneServes(path: string): boolean {
  return path === '/api/health' || path.startsWith('/api/health/') || path.startsWith('/api/health?');
}

/** `npm start` with the embedded broker and no SERVER_ROLE: main.ts launches a device and an api process. */
export function launchesSplit(env: Record<string, string | undefined>): boolean {
  return !env.SERVER_ROLE && !env.MQTT_URL;
}
