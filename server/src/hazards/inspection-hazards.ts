import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import type { UploadedPhoto } from '../common/files/photo-files';
import type { OrderRectificationDto, VerifyRectificationDto } from './dto/hazard.dto';
import type { HazardCategory, HazardLevel, HazardState } from './hazard-rules';

/** A finding of an on-site inspection, registered as a hazard linked to its inspection target. */
export interface InspectionFinding {
  enterpriseId: string;
  inspectionTargetId: string;
  category: HazardCategory;
  level: HazardLevel;
  description: string;
  legalBasis?: string | null;
  machineId?: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** A hazard as the on-site record lists it (现场交办, 现场验收). */
export interface InspectionHazardBrief {
  id: string;
  category: HazardCategory;
  level: HazardLevel;
  state: HazardState;
  description: string;
  legalBasis: string | null;
  deadline: Date | null;
  machineId: string | null;
  createdAt: Date;
}

/**
 * How the inspections module registers, orders and verifies hazards: through the hazard register's own
 * rules (states, scope, audit). HazardsModule owns the tables; HazardsService is the implementation.
 */
export interface InspectionHazards {
  /**
   * Checks the finding now and returns its write, which the caller runs in its own transaction: the
   * inspection holds its target's lock there, so a record signed meanwhile gains no hazard.
   */
  registerInspectionFinding(
    actor: Actor,
    finding: InspectionFinding,
    photos: UploadedPhoto[] | undefined,
  ): Promise<(em: EntityManager) => Promise<{ id: string; photoCount: number }>>;
  /** 责令限期整改 (现场交办), in the caller's transaction. */
  orderOnSite(
    em: EntityManager,
    actor: Actor,
    id: string,
    dto: OrderRectificationDto,
  ): Promise<{ deadline: Date | null }>;
  /** 现场验收, in the caller's transaction: the hazard's step and the visit's entry commit together. */
  verifyOnSite(
    em: EntityManager,
    actor: Actor,
    id: string,
    dto: VerifyRectificationDto,
  ): Promise<{ state: HazardState }>;
  ofInspectionTarget(targetId: string): Promise<InspectionHazardBrief[]>;
}

export const INSPECTION_HAZARDS = 'INSPECTION_HAZARDS';
