import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HazardsModule } from '../hazards/hazards.module';
import { RegionsModule } from '../regions/regions.module';
import { ReportsModule } from '../reports/reports.module';
import { UsersModule } from '../users/users.module';
import { Reward, RewardRule } from './reward.entity';
import { PublicRewardsController, RewardsController } from './rewards.controller';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

/** 查实即奖、网上奖励 (issue 15 §4). Clock and AuditService are global. */
@Module({
  imports: [HazardsModule, RegionsModule, ReportsModule, UsersModule, TypeOrmModule.forFeature([RewardRule, Reward])],
  controllers: [RewardsController, PublicRewardsController],
  providers: [RewardsService, RewardsRepository],
})
export class RewardsModule {}
