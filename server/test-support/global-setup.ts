import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/bootstrap/embedded-postgres';
import { runMigrations } from '../src/database/data-source';
import { adminQuery, uniqueName, withDatabase } from './test-database';

/**
 * Integration tests run against a real PostgreSQL: DATABASE_URL when given, otherwise an embedded
 * one started here. Migrations are applied once to a template database; every test file then gets
 * its own copy (CREATE DATABASE ... TEMPLATE), so files run in parallel without sharing rows.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'arcgate-test-pg-'));
    const db = await startEmbeddedPostgres(dir, 0, { database: 'postgres', persistent: false });
    adminUrl = db.url;
    stop = db.stop;
  }
  const template = uniqueName('arcgate_tpl');
  await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
  await runMigrations(withDatabase(adminUrl, template));
  process.env.ARCGATE_TEST_ADMIN_URL = adminUrl;
  process.env.ARCGATE_TEST_TEMPLATE_DB = template;
  (globalThis as Record<string, unknown>).__ARCGATE_TEST__ = { adminUrl, template, stop };
}
