import { Type } from '@nestjs/common';

/** Feature modules (registry, codes, permits, devices, ...) register here. */
export const FEATURE_MODULES: Type<unknown>[] = [];
