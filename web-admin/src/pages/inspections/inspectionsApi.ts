// Types of the inspection plan endpoints (/api/inspection-plans…, /api/public/inspection-plans/:id),
// generated from the server's OpenAPI document.
import type { components } from '../../api/schema';

type S = components['schemas'];
export type InspectionPlanSummary = S['InspectionPlanSummaryView'];
export type InspectionPlan = S['InspectionPlanView'];
export type PublicInspectionPlan = S['PublicInspectionPlanView'];

/** The page anyone may open to see (and re-run) a plan's draw. */
export const publicPlanPath = (id: string) => `/inspections/plans/${id}`;
