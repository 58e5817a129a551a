// Types of the public (no log-in) endpoints: /api/public/codes, /api/public/reports, /api/public/report-regions
// (generated from the server's OpenAPI document, see api/types.ts).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type PublicMachineScan = Schemas['PublicMachineScanDto'];
export type PublicWelderScan = Schemas['PublicWelderScanDto'];
export type PublicScan = PublicMachineScan | PublicWelderScan;
export type ReportReceipt = Schemas['ReportReceiptDto'];
export type PublicReportStatus = Schemas['PublicReportStatusDto'];
export type ReportStatus = Schemas['ReportStatus'];
export type PublicRewardStatus = Schemas['PublicRewardStatusView'];
export type PublicRegion = Schemas['PublicRegionDto'];

export const scanPath = (code: string) => `/api/public/codes/${encodeURIComponent(code)}`;
