import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { createApiDocument } from './bootstrap/api-document';
import { API_PREFIX } from './bootstrap/configure-app';

/**
 * `node dist/openapi.cli.js [out.json]`: the document /api/docs-json serves, without a database or
 * broker. Preview mode reads the modules' metadata and instantiates no provider, so nothing connects: the
 * config below only satisfies AppModule.forRoot's type and no value in it is read. Keys are sorted so the
 * file only changes when the API does.
 */
const PREVIEW_CONFIG: AppConfig = {
  nodeEnv: 'development',
  port: 0,
  host: '127.0.0.1',
  databaseUrl: 'postgres://unused/unused',
  mqtt: { url: 'mqtt://unused', embedded: false, topicRoot: 'unused' },
  publicBaseUrl: 'http://localhost',
  dataDir: '/nonexistent',
  secrets: {
    jwt: 'unused',
    codeSigningKey: Buffer.alloc(32),
    dataEncryptionKey: Buffer.alloc(32),
    deviceSigningKey: generateKeyPairSync('ed25519').privateKey,
  },
  jwtTtlSeconds: 3600,
  loginRateLimitPerMinute: 10,
  logLevel: 'silent',
  seedDemoData: false,
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(PREVIEW_CONFIG), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  const json = `${JSON.stringify(sortKeys(createApiDocument(app)), null, 2)}\n`;
  await app.close();
  const out = process.argv[2];
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
