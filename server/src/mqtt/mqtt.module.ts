import { DynamicModule, Global, Module } from '@nestjs/common';
import type Aedes from 'aedes';
import { MqttConnection } from './mqtt-connection';

/** The in-process aedes broker when running on embedded defaults, else null. */
export const EMBEDDED_BROKER = Symbol('EMBEDDED_BROKER');

@Global()
@Module({})
export class MqttModule {
  static forRoot(embeddedBroker: Aedes | null): DynamicModule {
    return {
      module: MqttModule,
      providers: [MqttConnection, { provide: EMBEDDED_BROKER, useValue: embeddedBroker }],
      exports: [MqttConnection, EMBEDDED_BROKER],
    };
  }
}
