import { Module } from '@nestjs/common';
import { ArcsController } from './arcs.controller';
import { ArcsRepository } from './arcs.repository';

@Module({ controllers: [ArcsController], providers: [ArcsRepository] })
export class ArcsModule {}
