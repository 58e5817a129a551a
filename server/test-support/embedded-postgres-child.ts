import { startEmbeddedPostgres } from '../src/bootstrap/embedded-postgres';
import { describeError } from '../src/common/errors/describe-error';

/**
 * A stand-in for the server in crash tests: starts the embedded PostgreSQL under argv[2] exactly as
 * the server does (same function, same watchdog), prints one JSON line, then idles until killed.
 */
startEmbeddedPostgres(process.argv[2], 0).then(
  (db) => {
    process.stdout.write(
      `${JSON.stringify({ pid: db.pid, port: db.port, url: db.url, watchdogPid: db.watchdogPid, owned: db.owned })}\n`,
    );
    setInterval(() => undefined, 1 << 30);
  },
  (e: unknown) => {
    console.error(describeError(e));
    process.exit(1);
  },
);
