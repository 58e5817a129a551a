import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Report, ReportStatus } from './report.entity';

export { normaliseTrackingCode } from './tracking-code';

/** What another module (the hazard register) may read of a public report: where it is and what it says, never the reporter. */
export interface ReportFacts {
  id: string;
  trackingCode: string;
  status: ReportStatus;
  /** 查实: a regulator confirmed it (the reporter became eligible for a reward). */
  confirmed: boolean;
  description: string;
  enterpriseId: string | null;
  machineId: string | null;
  regionPath: string | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
}

/** How other modules read a public report by id. ReportsModule owns the table; scoping is the caller's. */
export interface ReportLookup {
  findFacts(id: string): Promise<ReportFacts | null>;
  /** By the reporter's tracking code (already normalised). */
  findIdByTrackingCode(code: string): Promise<string | null>;
  /** The tracking codes of these reports (missing ids are left out), for lists that name a report. */
  trackingCodes(ids: string[]): Promise<Map<string, string>>;
}

export const REPORT_LOOKUP = 'REPORT_LOOKUP';

@Injectable()
export class ReportTableLookup implements ReportLookup {
  constructor(private readonly ds: DataSource) {}

  async findIdByTrackingCode(code: string): Promise<string | null> {
    const r = await this.ds.getRepository(Report).findOne({ where: { trackingCode: code }, select: { id: true } });
    return r?.id ?? null;
  }

  async trackingCodes(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.ds
      .getRepository(Report)
      .find({ where: { id: In([...new Set(ids)]) }, select: { id: true, trackingCode: true } });
    return new Map(rows.map((r) => [r.id, r.trackingCode]));
  }

  async findFacts(id: string): Promise<ReportFacts | null> {
    const r = await this.ds.getRepository(Report).findOne({ where: { id } });
    if (!r) return null;
    return {
      id: r.id,
      trackingCode: r.trackingCode,
      status: r.status,
      confirmed: r.rewardEligible,
      description: r.description,
      enterpriseId: r.enterpriseId,
      machineId: r.machineId,
      regionPath: r.regionPath,
      latitude: r.latitude,
      longitude: r.longitude,
      address: r.address,
    };
  }
}
