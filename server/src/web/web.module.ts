import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import { API_PREFIX } from '../bootstrap/configure-app';
import { resolveWebDistDir, WEB_DIST_DIR } from './web-dist';
import { webUiHandlers } from './web-ui';

/**
 * Serves the built web UI at /. Registered in onModuleInit, which Nest runs after the API routes
 * and before its own not-found handler: /api keeps its JSON errors, every other GET gets the UI.
 */
@Module({
  providers: [{ provide: WEB_DIST_DIR, useFactory: () => resolveWebDistDir() }],
})
export class WebModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WEB_DIST_DIR) private readonly distDir: string,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // Only the Express platform is used; anything else (a bare testing module) serves no UI.
    if (!adapter || adapter.getType() !== 'express') return;
    const app = adapter.getInstance<Application>();
    app.use(...webUiHandlers(this.distDir, API_PREFIX));
  }
}
