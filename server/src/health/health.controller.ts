import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../access/decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { StartupWork } from '../common/scheduling/startup-work';
import { MqttConnection } from '../mqtt/mqtt-connection';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly mqtt: MqttConnection,
    private readonly startup: StartupWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Database and broker status; 200 when both are up, 503 otherwise' })
  @ApiOkResponse({
    description:
      '{ status: "ok", role, database: {...}, broker: {...}, startup: { pending: [...] } }: pending lists the start-up work still running (the first scans and counts), which does not hold up the answer',
  })
  @ApiServiceUnavailableResponse({ description: 'status "degraded" with the failing part marked "down"' })
  async health(@Res({ passthrough: true }) res: Response) {
    const started = process.hrtime.bigint();
    let dbUp = true;
    try {
      await this.ds.query('SELECT 1');
    } catch {
      dbUp = false;
    }
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const brokerUp = this.mqtt.connected;
    const ok = dbUp && brokerUp;
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      // Which process answered (SERVER_ROLE): the launcher's device and api processes each have their own.
      role: this.config.serverRole ?? 'all',
      database: { status: dbUp ? 'up' : 'down', latencyMs: Math.round(latencyMs * 10) / 10 },
      broker: { status: brokerUp ? 'up' : 'down', url: this.mqtt.safeUrl, embedded: this.config.mqtt.embedded },
      startup: { pending: this.startup.pending() },
    };
  }
}
