import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { DemoSeeder } from './demo-seeder';
import { DemoSpread } from './demo-spread';
import { CodesModule } from '../codes/codes.module';

@Module({ imports: [CodesModule, UsersModule], providers: [DemoSeeder, DemoSpread], exports: [DemoSeeder, DemoSpread] })
export class SeedModule {}
