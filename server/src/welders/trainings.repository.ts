import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { TrainingRecord } from './training-record.entity';

@Injectable()
export class TrainingsRepository {
  constructor(@InjectRepository(TrainingRecord) private readonly repo: Repository<TrainingRecord>) {}

  /** Most recent first. */
  findPageOfWelder(welderId: string, offset: number, limit: number): Promise<[TrainingRecord[], number]> {
    return this.repo.findAndCount({
      where: { welderId },
      order: { completedOn: 'DESC', createdAt: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  insert(em: EntityManager, data: Partial<TrainingRecord>): Promise<TrainingRecord> {
    return em.save(TrainingRecord, em.create(TrainingRecord, data));
  }
}
