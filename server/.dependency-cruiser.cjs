/**
 * The server's architecture, as rules (`npm run lint:boundaries`). Layers, top to bottom:
 *
 *   app        main.ts, app.module.ts, feature-modules.ts, openapi.cli.ts: wires everything; nothing imports it.
 *   features   every other folder (enterprises, machines, welders, codes, permits, devices, ...): one Nest
 *              module each, owning its tables. Another feature uses it only through its PUBLIC SURFACE
 *              (see `publicSurface` below): its module, its services, its ports (lookup interfaces +
 *              injection tokens, e.g. enterprises/enterprise-lookup.ts) and its shared types.
 *   platform   database/, mqtt/, bootstrap/: connections, pools, embedded servers. No feature knowledge.
 *   config     config/: the validated environment. Uses only the kernel.
 *   kernel     common/: roles, errors, validation, clock, crypto, http helpers. The bottom: imports nothing
 *              else from src/ (its Nest modules take their settings as forRoot arguments).
 *
 * A layer imports only from the layers under it. No file cycles anywhere (tests included), and no
 * cycles between feature folders: when two features need each other, one of them owns a port.
 */

/**
 * Tests may reach into any feature (fixtures, repositories): the layer rules cover production code only.
 * Tests are still checked for file cycles by .dependency-cruiser.tests.cjs (npm run lint:boundaries runs both).
 */
const TESTS = ['[.](spec|integration-spec)[.]ts$', '/testing/', '^test-support/'];

/** Files of a feature that other features may import. Everything else in a feature folder is internal. */
const publicSurface = [
  // the Nest module (imported into another module's `imports`) and its exported services
  '[.]module[.]ts$',
  '[.]service[.]ts$',
  // ports: a narrow interface plus its injection token, owned by the module that owns the table
  '-lookup[.]ts$', // enterprises/enterprise-lookup.ts, machines/machine-lookup.ts, regions/region-lookup.ts
  '-roster[.]ts$', // welders/welder-roster.ts, machines/machine-roster.ts, users/staff-roster.ts: what others may read of them
  '^src/welders/certificate-registry[.]ts$',
  '^src/welders/certificate-census[.]ts$', // the overview's welder counts, computed where the certificates live
  '^src/code-management/code-subjects[.]ts$',
  '^src/device-core/(device-ports|device-alerts)[.]ts$', // device outbox token, message types, device alerts
  // shared types: request DTOs and views composed by others (ledgers imports/exports, stats)
  '/dto/',
  '[.]view[.]ts$',
  '-views[.]ts$',
  // table types. Tolerated: several read models (stats, the arm decision's hot-path SQL, permits) join
  // other modules' tables on purpose. New cross-module reads by id go through the owner's port, writes
  // through its service.
  '[.]entity[.]ts$',
  // pure domain vocabulary (no I/O): shared rules and value types
  '^src/alerts/alert-type[.]ts$',
  '^src/alerts/alert-hooks[.]ts$',
  '^src/alerts/alert-scope[.]ts$', // who sees which alert: the statistics count what the alerts list shows // AlertHooks: notifications enqueue each new alert in the raising transaction
  '^src/sms/sms-sender[.]ts$', // SMS_SENDER and its message types: one-time codes and notifications send through it
  '^src/hazards/hazard-rules[.]ts$', // hazard categories and levels: the reward table and rewards are keyed by them
  // the public tracking-code endpoints share one rate limit (the report status page also asks for its reward)
  '^src/reports/report-throttler[.]guards[.]ts$',
  '^src/reports/tracking-code[.]ts$', // the tracking-code format: self-registrations are followed by one too
  // ports of the inspection loop: on site, a hazard is registered through the register's rules, a code read as the public scan does
  '^src/hazards/inspection-hazards[.]ts$',
  '^src/public/inspector-scan[.]ts$',
  '^src/off-platform/off-platform-rules[.]ts$', // the audit's list names: a targeted inspection records which list it came from
  '^src/audit/audit-actions[.]ts$', // the audit vocabulary: who records what
  '^src/welders/certificate-rules[.]ts$',
  '^src/machines/machine-usability[.]ts$',
  '^src/permits/(geofence|approval-chain|permit-context|permit-decision)[.]ts$',
  // who is calling and what may they do: every controller and service uses these
  '^src/access/(actor|access-policy|decorators)[.]ts$',
  '^src/auth/session[.]decorators[.]ts$', // a route that a restricted session (forced password change) may still call
  // the device gateway hands event batches to the ingest (this seam is being reworked with the MQTT lifecycle)
  '^src/telemetry/telemetry-ingest[.]ts$',
];

const KERNEL_AND_CONFIG = '^src/(common|config)/';
const PLATFORM = '^src/(database|mqtt|bootstrap)/';
const APP = '^src/(main|app[.]module|feature-modules|openapi[.]cli)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycle between files, tests included. Break it with a port or by moving shared code down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No cycle between folders (feature modules): one side owns a port, or the shared part moves to common/.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-is-the-bottom',
      comment: 'common/ is shared kernel code: it imports nothing else from src/ (no feature, no config, no platform).',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'config-uses-only-the-kernel',
      comment: 'config/ reads and validates the environment; it may use common/ parsers, nothing above.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: KERNEL_AND_CONFIG },
    },
    {
      name: 'platform-imports-no-feature',
      comment: 'database/, mqtt/ and bootstrap/ hold no feature knowledge (entities come from each feature module).',
      severity: 'error',
      from: { path: PLATFORM },
      to: { path: '^src/', pathNot: [KERNEL_AND_CONFIG, PLATFORM] },
    },
    {
      name: 'nothing-imports-the-app',
      comment: 'Only the entry point assembles the app (tests boot it through test-support).',
      severity: 'error',
      from: { path: '^src/', pathNot: APP },
      to: { path: APP },
    },
    {
      name: 'feature-public-surface',
      comment:
        'A feature uses another only through its public surface (module, services, ports, shared types): see publicSurface.',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: [KERNEL_AND_CONFIG, PLATFORM] },
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', KERNEL_AND_CONFIG, PLATFORM, ...publicSurface] },
    },
  ],
  options: {
    // the protocol package is its own project with its own checks
    doNotFollow: { path: ['node_modules', '^[.][.]/protocol/'] },
    exclude: { path: ['(^|/)dist/', '^bench/', ...TESTS] },
    // type-only imports count: a cycle through types is still a cycle for the reader
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
