import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { OffPlatformController } from './off-platform.controller';
import { OffPlatformRepository } from './off-platform.repository';
import { OffPlatformService } from './off-platform.service';
import { OnlineDaysRollupJob } from './online-days/online-days-rollup.job';
import { OnlineDaysRepository } from './online-days/online-days.repository';
import { RankingSignalsJob } from './ranking-signals.job';

/**
 * 非法作业排查: a read model over the registry, devices, permits, certificates and public reports, and the
 * roll-up of device events into machines' online days that its lists count.
 */
@Module({
  imports: [ExportsModule],
  controllers: [OffPlatformController],
  providers: [OffPlatformService, OffPlatformRepository, OnlineDaysRepository, OnlineDaysRollupJob, RankingSignalsJob],
})
export class OffPlatformModule {}
