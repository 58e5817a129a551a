import { DynamicModule, Module } from '@nestjs/common';
import { FieldCipher } from './field-cipher';

/** The FieldCipher for personal data at rest. The app passes the key (config secrets.dataEncryptionKey). */
@Module({})
export class CryptoModule {
  static forRoot(dataEncryptionKey: Buffer): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [{ provide: FieldCipher, useFactory: () => new FieldCipher(dataEncryptionKey) }],
      exports: [FieldCipher],
    };
  }
}
