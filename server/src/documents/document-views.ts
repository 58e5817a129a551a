/**
 * What the enforcement documents (执法文书) show: plain view objects, filled by DocumentsService from the
 * hazards' and inspections' services and handed to the renderer (in a worker thread: structured-clone
 * safe, so only strings, numbers, booleans, Dates and bytes). Labels are already Chinese here.
 */

/** The three documents of issue 15 §2. */
export enum DocumentKind {
  /** 现场检查记录 */
  InspectionRecord = 'inspection_record',
  /** 责令限期整改指令书 */
  RectificationOrder = 'rectification_order',
  /** 整改复查意见书 */
  ReviewOpinion = 'review_opinion',
}

/** The inspected or ordered enterprise (被检查单位). */
export interface DocumentEnterprise {
  name: string;
  /** 统一社会信用代码 */
  uscc: string;
  address: string;
  /** 主要负责人 (法定代表人) */
  principalName: string;
  /** 实际控制人 */
  controllerName: string | null;
  regionName: string | null;
}

/** One hazard as a document lists it. */
export interface DocumentHazard {
  /** 隐患类别, Chinese label. */
  category: string;
  /** 一般 / 重大 */
  level: string;
  description: string;
  legalBasis: string | null;
  deadline: Date | null;
}

interface DocumentBase {
  /** e.g. 责改〔2026〕第3号 */
  number: string;
  /** The record in the console; the QR code encodes it. */
  link: string;
  /** The issuing authority as printed under the title, e.g. 会亭镇安全生产监管部门. */
  authority: string;
  enterprise: DocumentEnterprise;
}

/** 现场检查记录: one drawn enterprise of a 双随机 plan, checked in on site. */
export interface InspectionRecordDocument extends DocumentBase {
  kind: DocumentKind.InspectionRecord;
  planTitle: string;
  /** 检查时间: the check-in. */
  checkedInAt: Date;
  checkedInByName: string | null;
  checkInLatitude?: number | null;
  checkInLongitude?: number | null;
  inspectors: string[];
  /** Hazards found at this inspection. */
  hazards: DocumentHazard[];
  /** 现场查: what was found (the inspector's note). */
  findings?: string | null;
  /** 现场讲: what was explained to the enterprise. */
  explained?: string | null;
  /** 现场签字: the enterprise's representative who signed on the phone, and when. */
  signerName?: string | null;
  signedAt?: Date | null;
  /** The signature as drawn on the phone: PNG bytes. */
  signature?: Uint8Array | null;
}

/** 责令限期整改指令书: a hazard ordered to be rectified by a deadline. */
export interface RectificationOrderDocument extends DocumentBase {
  kind: DocumentKind.RectificationOrder;
  hazard: DocumentHazard;
  orderedAt: Date;
  orderedByName: string;
  /** The order's note (整改要求). */
  requirement: string | null;
  /** 整改期限 as ordered. */
  deadline: Date;
}

/** The outcome a 整改复查意见书 records. */
export enum ReviewOutcome {
  /** 复查合格 (verified, awaiting sign-off) */
  Passed = 'passed',
  /** 复查合格，已销号 */
  SignedOff = 'signed_off',
  /** 复查不合格，退回继续整改 */
  Returned = 'returned',
}

/** 整改复查意见书: the regulator's review of the enterprise's rectification. */
export interface ReviewOpinionDocument extends DocumentBase {
  kind: DocumentKind.ReviewOpinion;
  hazard: DocumentHazard;
  /** The order being reviewed: its number and date. */
  orderNumber: string | null;
  orderedAt: Date | null;
  /** The enterprise's report (整改情况), if any. */
  rectifiedAt: Date | null;
  rectificationNote: string | null;
  outcome: ReviewOutcome;
  reviewedAt: Date;
  reviewedByName: string;
  /** 现场复查 or 书面复查; null when not said (a sign-off). */
  onSite: boolean | null;
  opinion: string | null;
  /** When returned: the deadline to rectify by. */
  newDeadline: Date | null;
  /** Who verified and who signed off (销号), when done. */
  verifiedByName: string | null;
  signedOffByName: string | null;
  signedOffAt: Date | null;
}

export type EnforcementDocument = InspectionRecordDocument | RectificationOrderDocument | ReviewOpinionDocument;

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  [DocumentKind.InspectionRecord]: '现场检查记录',
  [DocumentKind.RectificationOrder]: '责令限期整改指令书',
  [DocumentKind.ReviewOpinion]: '整改复查意见书',
};

/** The word before the year in the number: 检查〔2026〕第1号, 责改〔2026〕第1号, 复查〔2026〕第1号. */
export const DOCUMENT_NUMBER_PREFIX: Record<DocumentKind, string> = {
  [DocumentKind.InspectionRecord]: '检查',
  [DocumentKind.RectificationOrder]: '责改',
  [DocumentKind.ReviewOpinion]: '复查',
};

/** ASCII file names (the Chinese one goes in filename*). */
export const DOCUMENT_ASCII_NAMES: Record<DocumentKind, string> = {
  [DocumentKind.InspectionRecord]: 'inspection-record',
  [DocumentKind.RectificationOrder]: 'rectification-order',
  [DocumentKind.ReviewOpinion]: 'review-opinion',
};

export function documentNumber(kind: DocumentKind, year: number, seq: number): string {
  return `${DOCUMENT_NUMBER_PREFIX[kind]}〔${year}〕第${seq}号`;
}
