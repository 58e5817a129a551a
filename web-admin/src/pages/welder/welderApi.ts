// Types of what the welder pages read: GET /api/welders/:id, GET /api/permits, POST /api/arm-sessions
// (generated from the server's OpenAPI document, see api/types.ts).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type WelderCertificate = Schemas['CertificateView'];
export type WelderDetail = Schemas['WelderDetailView'];
export type PermitSummary = Schemas['PermitSummaryView'];
export type LocalizedText = Schemas['LocalizedTextDto'];
export type ArmSessionResult = Schemas['ArmSessionResultDto'];
export type ArmSessionView = Schemas['ArmSessionViewDto'];
export type WorkSession = Schemas['WorkSessionDto'];
