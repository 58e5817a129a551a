import { DynamicModule, Global, Module } from '@nestjs/common';
import type Aedes from 'aedes';
import { EMBEDDED_BROKER } from './embedded-broker.token';
import { MqttConnection } from './mqtt-connection';

export { EMBEDDED_BROKER };

/**
 * The server's MQTT connection and its lifecycle (connect, reconnect, shutdown). Consumers hear and
 * talk to devices through MqttConnection's typed methods and never touch the MQTT client.
 */
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
