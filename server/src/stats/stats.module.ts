import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { WeldersModule } from '../welders/welders.module';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';
import { CensusRepository } from './census/census.repository';
import { CensusRefreshJob } from './census/census-refresh.job';

/** Read-only numbers for the regulator overview and the off-platform operation report. */
@Module({
  imports: [AlertsModule, WeldersModule],
  controllers: [StatsController],
  providers: [StatsService, StatsRepository, CensusRepository, CensusRefreshJob],
})
export class StatsModule {}
