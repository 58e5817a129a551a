import { Type } from '@nestjs/common';
import { CodesModule } from './codes/codes.module';

/** Feature modules (registry, codes, permits, devices, ...) register here. */
export const FEATURE_MODULES: Type<unknown>[] = [CodesModule];
