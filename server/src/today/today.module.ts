import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { TodayController } from './today.controller';
import { TodayRepository } from './today.repository';
import { TodayService } from './today.service';

/** 今日待办 (issue 15 §5): a read model over hazards, inspections and reports. Clock is global. */
@Module({
  imports: [RegionsModule],
  controllers: [TodayController],
  providers: [TodayService, TodayRepository],
})
export class TodayModule {}
