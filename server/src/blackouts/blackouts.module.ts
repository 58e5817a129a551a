import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WeldersModule } from '../welders/welders.module';
import { RegionsModule } from '../regions/regions.module';
import { Blackout } from './blackout.entity';
import { BlackoutsController } from './blackouts.controller';
import { BlackoutsRepository } from './blackouts.repository';
import { BlackoutsService } from './blackouts.service';
import { EnterprisesModule } from '../enterprises/enterprises.module';

/** 禁火期 (special periods, high wind); the arc authorisation asks BlackoutsService.findActiveFor. */
@Module({
  imports: [EnterprisesModule, WeldersModule, TypeOrmModule.forFeature([Blackout]), RegionsModule],
  controllers: [BlackoutsController],
  providers: [BlackoutsService, BlackoutsRepository],
  exports: [BlackoutsService],
})
export class BlackoutsModule {}
