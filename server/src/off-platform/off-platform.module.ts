import { Module } from '@nestjs/common';
import { OffPlatformController } from './off-platform.controller';
import { OffPlatformRepository } from './off-platform.repository';
import { OffPlatformService } from './off-platform.service';

/** 非法作业排查: a read model over the registry, devices, permits, certificates and public reports. */
@Module({
  controllers: [OffPlatformController],
  providers: [OffPlatformService, OffPlatformRepository],
})
export class OffPlatformModule {}
