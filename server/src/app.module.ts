import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Aedes from 'aedes';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClockModule } from './common/clock/clock.module';
import { StartupWorkModule } from './common/scheduling/startup-work';
import { CryptoModule } from './common/crypto/crypto.module';
import { SmsModule } from './sms/sms.module';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source';
import { HotPathPoolModule } from './database/hot-path-pool';
import { ReportingPoolModule } from './database/reporting-pool';
import { HealthModule } from './health/health.module';
import { MqttModule } from './mqtt/mqtt.module';
import { RegionsModule } from './regions/regions.module';
import { UsersModule } from './users/users.module';
import { FEATURE_MODULES } from './feature-modules';
import { SeedModule } from './seed/seed.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, embeddedBroker: Aedes | null = null): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: class ConfigHolder {},
          global: true,
          providers: [{ provide: APP_CONFIG, useValue: config }],
          exports: [APP_CONFIG],
        },
        LoggerModule.forRoot({
          // Every route, in the wildcard syntax of Express 5 (the library's default '*' draws a deprecation warning at start-up).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            // Query strings can carry personal data (exact ID-number search) and one-time stream tickets (?ticket=): never log them.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url.split('?')[0],
              }),
            },
            autoLogging: { ignore: (req) => req.url === '/api/health' },
          },
        }),
        // Each feature module registers its own entities (TypeOrmModule.forFeature); none are listed here.
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.databaseUrl, [], `arcgate-${config.serverRole ?? 'all'}`),
          autoLoadEntities: true,
        }),
        HotPathPoolModule,
        ReportingPoolModule,
        ClockModule.forRoot(config.clockOffsetFile),
        StartupWorkModule,
        CryptoModule.forRoot(config.secrets.dataEncryptionKey),
        SmsModule,
        AccessModule,
        AuditModule,
        MqttModule.forRoot(embeddedBroker),
        RegionsModule,
        UsersModule,
        AuthModule,
        HealthModule,
        SeedModule,
        ...FEATURE_MODULES,
      ],
    };
  }
}
