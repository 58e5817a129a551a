/**
 * The threat model SECURITY.md prints, and the adversarial suites `npm run security` expects.
 * Keep it true: a defence listed here must exist at the path named, and each suite id must be the
 * `suite` its test writes to test-artifacts/security/<suite>.json.
 */

export interface Defence {
  what: string;
  /** Repository paths (code or docs) where the defence lives. */
  where: string[];
}

export interface Adversary {
  id: string;
  title: string;
  /** What this adversary controls. */
  controls: string;
  /** What they must never achieve. */
  mustNot: string[];
  defences: Defence[];
  /** Suite ids whose counts show the defences at work. */
  suites: string[];
}

export interface ExpectedSuite {
  id: string;
  /** The test file that writes it (or the area that owns it while it does not exist yet). */
  source: string;
  adversary: string;
}

export const ADVERSARIES: Adversary[] = [
  {
    id: 'device',
    title: 'A hostile or compromised device',
    controls:
      'its own chip key, any bytes it publishes on its own topics, its clock, its MQTT client id and connection rate',
    mustNot: [
      'close a relay without a grant signed by the server for that chip, nonce and time window',
      'act as another chip, or disturb another chip (client-id takeover, foreign topics)',
      'get a message stored or acted upon that is forged, altered, replayed or stale',
      'make the server fail, stall or stop answering other devices (floods, malformed or oversized payloads, text PostgreSQL cannot store)',
    ],
    defences: [
      {
        what: 'Every device message is an Ed25519-signed envelope over canonical JSON (RFC 8785); the key is bound to the chip id (SHA-256 of the key)',
        where: [
          'docs/protocol.md §2, §5',
          'protocol/src/envelope.ts',
          'protocol/src/canonical.ts',
          'protocol/src/crypto.ts',
        ],
      },
      {
        what: 'Strict validation of every message type: unknown fields, wrong types, out-of-range values and inconsistent fields are refused before anything is stored',
        where: ['protocol/src/validate.ts', 'protocol/src/schema.ts'],
      },
      {
        what: 'The device verifies every server message (signature, addressee, nonce, request id, validity window) before it closes the relay; it fails closed',
        where: ['protocol/src/grant.ts', 'device-agent/src'],
      },
      {
        what: 'Broker log-in with a connect token signed by the chip key (MQTT password), topic ACL per chip',
        where: [
          'protocol/src/connect-token.ts',
          'protocol/src/acl.ts',
          'server/src/devices/broker-auth.ts',
          'server/src/devices/embedded-broker-hooks.ts',
          'docs/protocol.md §3, §4, §12',
        ],
      },
      {
        what: 'Freshness (ts within the clock-skew window) and sequence numbers on device messages; refused messages are kept as raw evidence and raise alerts',
        where: [
          'protocol/src/envelope.ts',
          'server/src/devices/message-seq-recorder.ts',
          'server/src/devices/rejected-messages.repository.ts',
          'server/src/device-core/device-alerts.ts',
        ],
      },
      {
        what: 'Client id = user name = chip id, checked at CONNECT before the broker registers the session (an impostor never drops the real device; DEVICE_IMPERSONATION); a last will only on the own status topic; oversized packets dropped at the header',
        where: [
          'server/src/devices/broker-auth.ts',
          'server/src/devices/embedded-broker-hooks.ts',
          'docs/protocol.md §3.2, §12',
        ],
      },
      {
        what: 'Each connect token is good for one CONNECT (its nonce is remembered in the database until the token would expire), on the embedded broker and the HTTP hooks alike',
        where: ['server/src/devices/connect-token-uses.repository.ts', 'docs/protocol.md §3.1'],
      },
      {
        what: 'Seq replay window for every message type (SEQ_REPLAYED) and the ts window for status, arm.request and events',
        where: ['server/src/devices/message-seq-window.ts', 'docs/protocol.md §5'],
      },
      {
        what: 'Per-chip token buckets before any database work or signature check (RATE_LIMITED with retryAfterS), one DEVICE_FLOOD alert per episode',
        where: ['server/src/devices/rate-limiter.ts', 'server/src/devices/flood-watch.ts'],
      },
      {
        what: 'A signed batch that breaks the body rules gets a negative events.ack (rejected seqs), is kept raw and raises DEVICE_MESSAGE_REJECTED; the agent sets those events aside instead of re-sending forever',
        where: ['docs/protocol.md §6.8', 'device-agent/src'],
      },
      {
        what: 'NUL and lone surrogates refused in every device string; evidence stored escaped so the alert is always raised; unknown chips aggregate by source address',
        where: ['protocol/src/validate.ts', 'server/src/device-core/device-alerts.ts', 'docs/protocol.md §5.7'],
      },
    ],
    suites: ['protocol-properties', 'hostile-device-messages', 'hostile-client'],
  },
  {
    id: 'enterprise',
    title: 'An enterprise user (admin, safety manager, welder) acting beyond their rights',
    controls: 'a valid log-in of one enterprise (or one welder), any request the API accepts, any file they upload',
    mustNot: [
      "read or change another enterprise's records, or a regulator's",
      'unlock work the rules forbid: a certificate they entered themselves, a weakened approval chain, a fire watcher who is the welder',
      'hurt everyone with one request (huge imports, deep JSON)',
    ],
    defences: [
      {
        what: "Role guard on every route, then one access policy for tenancy: regulators see their region's subtree, enterprise users their enterprise, welders themselves; records out of scope answer 404",
        where: [
          'server/src/auth/jwt-auth.guard.ts',
          'server/src/access/decorators.ts',
          'server/src/access/access-policy.ts',
        ],
      },
      {
        what: 'Every write is audited in a hash chain that can be verified offline',
        where: ['server/src/audit/audit-chain.ts', 'server/src/audit/verify-chain.cli.ts'],
      },
      {
        what: 'Permit rules (levels, approval chains, gas analysis, fire watcher) enforced on the server, not in the UI',
        where: ['server/src/permits'],
      },
      {
        what: 'Input limits before parsing: JSON depth, body size, content type; text PostgreSQL cannot store is refused with a field code',
        where: [
          'server/src/common/http/json-depth.ts',
          'server/src/common/http/content-type.guard.ts',
          'server/src/common/http/text-safety.ts',
        ],
      },
      {
        what: "Certificates an enterprise enters or imports unlock no work until the regulator of the employer's region verifies them (or a connected official register does); only the employer may enter them",
        where: ['server/src/welders/certificate-verification.service.ts', 'docs/certificates.md'],
      },
      {
        what: 'Minimum approval chains (GB 30871 platform minimum, raised per region), one signer per step, the 主要负责人 for 特级; the fire watcher is a registered person who is not a welder of the permit; special periods raise levels or ban',
        where: ['server/src/permits/approval-chain.ts', 'docs/permit-rules.md'],
      },
      {
        what: "Gas analysis judged by the catalogue gas's LEL; an unknown gas at the strict 0.2 %",
        where: ['server/src/permits/gas-catalogue.ts', 'docs/gas-analysis.md'],
      },
      {
        what: 'xlsx imports: zip limits checked before parsing, rows streamed up to a cap, parsed in a worker thread behind a bounded queue (IMPORT_BUSY)',
        where: ['server/src/ledgers/jobs', 'server/src/ledgers/sheet'],
      },
    ],
    suites: [
      'tenant-matrix',
      'api-fuzz',
      'certificate-trust',
      'permits-attacks',
      'gas-pass-mark',
      'import-limits',
      'label-sheet-load',
    ],
  },
  {
    id: 'public',
    title: 'The public (anyone on the internet)',
    controls: 'the public scan page, the public report form, the log-in form',
    mustNot: [
      'see personal data (names, ID numbers, phone numbers beyond what a scan shows by design)',
      'guess passwords at scale, or flood the public forms',
      'crash an endpoint or store malformed data',
    ],
    defences: [
      {
        what: 'Public scan shows only public facts of a code; signed codes cannot be forged',
        where: ['server/src/public/public-scan.service.ts', 'server/src/codes/code-signer.ts'],
      },
      {
        what: 'Log-in attempts and public scans are throttled',
        where: ['server/src/auth/login-throttler.guard.ts', 'server/src/public/public-scan-throttler.guard.ts'],
      },
      {
        what: 'Password spraying: failed log-ins counted per source address across user names (LOGIN_THROTTLED, Retry-After)',
        where: ['server/src/auth/login-spray-limiter.ts'],
      },
      {
        what: 'Account lockout: failed log-ins of one user name (known or not) lock it for the window (ACCOUNT_LOCKED, lockedUntil); both limits read the persisted log-in attempts, so restarts and replicas share them; breached common passwords are refused',
        where: [
          'server/src/auth/login-spray-limiter.ts',
          'server/src/auth/login-attempts.repository.ts',
          'server/src/common/passwords/password-policy.ts',
        ],
      },
      {
        what: 'A stolen token is short-lived and revocable: 15-minute access tokens name a server-side session checked per request (log-out, idle time-out, log out everywhere, disabled user); refresh tokens rotate, stored hashed, and a reused one revokes the session; TOTP second factor; no token in a URL (one-time stream tickets)',
        where: [
          'server/src/auth/sessions/session.service.ts',
          'server/src/auth/jwt-auth.guard.ts',
          'server/src/auth/totp/totp.service.ts',
        ],
      },
      {
        what: 'Public answers carry no free text a user typed (a revoked code shows a reason category) and mask phone- and ID-like digit runs in names',
        where: ['server/src/public/public-scan.service.ts'],
      },
      {
        what: 'Security headers (nosniff, no X-Powered-By) and the same input limits as for users',
        where: ['server/src/bootstrap/configure-app.ts', 'server/src/common/http'],
      },
    ],
    suites: ['api-fuzz', 'tenant-matrix', 'login-spray', 'public-leaks'],
  },
  {
    id: 'network',
    title: 'The network and the broker',
    controls:
      'any packet between device, broker and server: it can drop, delay, replay and reorder them, and connect to the broker itself',
    mustNot: [
      'make a device close its relay with a replayed, altered or stale grant',
      'make the server accept a replayed or altered device message',
      "use the broker hooks or the server's broker account",
    ],
    defences: [
      {
        what: 'End-to-end signatures in both directions, so the broker and the network are not trusted with integrity',
        where: ['docs/protocol.md §5.4', 'protocol/src/envelope.ts', 'protocol/src/grant.ts'],
      },
      {
        what: 'Nonce and request id bind a grant to one request; grants expire; revocations apply whenever they verify',
        where: ['protocol/src/grant.ts', 'docs/protocol.md §6.3, §6.5'],
      },
      {
        what: "Broker hooks require the broker secret; the server account's password is derived from the server secret",
        where: ['server/src/devices/broker-hooks.controller.ts', 'server/src/mqtt/mqtt-connection.ts'],
      },
    ],
    suites: ['protocol-properties', 'hostile-client', 'broker-identity'],
  },
];

/** Suites SECURITY.md expects; one that wrote no artifact in the run is named as missing. */
export const EXPECTED_SUITES: ExpectedSuite[] = [
  { id: 'protocol-properties', source: 'protocol/src/adversarial.property.spec.ts', adversary: 'device' },
  { id: 'hostile-device-messages', source: 'test/scenarios/hostile-device-messages.spec.ts', adversary: 'device' },
  { id: 'hostile-client', source: 'test/scenarios/hostile-client.spec.ts', adversary: 'device' },
  { id: 'broker-identity', source: 'server/src/devices/broker-identity.integration-spec.ts', adversary: 'network' },
  { id: 'api-fuzz', source: 'server/src/common/http/api-fuzz.integration-spec.ts', adversary: 'public' },
  { id: 'tenant-matrix', source: 'server/src/access/tenant-matrix.integration-spec.ts', adversary: 'enterprise' },
  {
    id: 'certificate-trust',
    source: 'server/src/welders/certificate-trust.integration-spec.ts',
    adversary: 'enterprise',
  },
  { id: 'permits-attacks', source: 'server/src/permits/permits-attacks.integration-spec.ts', adversary: 'enterprise' },
  { id: 'gas-pass-mark', source: 'server/src/permits/gas-pass-mark.integration-spec.ts', adversary: 'enterprise' },
  { id: 'import-limits', source: 'server/src/ledgers/import-limits.integration-spec.ts', adversary: 'enterprise' },
  {
    id: 'label-sheet-load',
    source: 'server/src/code-management/labels-load.integration-spec.ts',
    adversary: 'enterprise',
  },
  { id: 'login-spray', source: 'server/src/auth/login-spray.integration-spec.ts', adversary: 'public' },
  { id: 'public-leaks', source: 'server/src/public/public-leaks.integration-spec.ts', adversary: 'public' },
];

/**
 * Test files whose name matches this are the adversarial suites `npm run security` runs, in every
 * package. Name a new adversarial test accordingly (e.g. hostile-client.spec.ts).
 */
export const ADVERSARIAL_FILE_PATTERN =
  '(adversarial|hostile|tenant-matrix|api-fuzz|attack|broker-identity|certificate-trust|gas-pass-mark|import-limits|labels-load|login-spray|public-leaks)';
