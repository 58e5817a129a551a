import { AuditEntry } from '../audit/audit-entry.entity';
import { IdentityCode } from '../codes/identity-code.entity';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Machine } from '../machines/machine.entity';
import { Region } from '../regions/region.entity';
import { User } from '../users/user.entity';
import { Certificate } from '../welders/certificate.entity';
import { TrainingRecord } from '../welders/training-record.entity';
import { WelderEngagement } from '../welders/welder-engagement.entity';
import { Welder } from '../welders/welder.entity';

/** Every TypeORM entity; a feature adds its own here. */
export const ENTITIES = [Region, Enterprise, Machine, Welder, WelderEngagement, Certificate, TrainingRecord, IdentityCode, User, AuditEntry];
