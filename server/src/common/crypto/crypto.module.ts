import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { FieldCipher } from './field-cipher';

@Global()
@Module({
  providers: [{ provide: FieldCipher, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new FieldCipher(c.secrets.dataEncryptionKey) }],
  exports: [FieldCipher],
})
export class CryptoModule {}
