import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { DemoSeeder } from './demo-seeder';
import { CodesModule } from '../codes/codes.module';

@Module({ imports: [CodesModule, UsersModule], providers: [DemoSeeder], exports: [DemoSeeder] })
export class SeedModule {}
