/**
 * The Chinese labels of the codes the API answers with, from the API itself (`GET /api/v1/labels`,
 * the platform's one label table): fetched once before the app mounts, so no page holds a copy.
 * Each export is one of the API's tables, reactive, so a page reads it as a plain code → label map.
 */
import { reactive } from "vue";

import { api, type Schema } from "./api";

type Tables = Schema<"LabelTables">;
type Table = Record<string, string>;

const tables = reactive<Record<keyof Tables, Table>>({
  type: {}, category: {}, business_status: {}, status: {}, application_status: {}, import_kind: {},
  relaxed_group: {}, role: {}, condition_group: {}, fact: {}, source_record: {}, dataset: {}, county: {}, reason: {},
});

export const BUSINESS_STATUS = tables.business_status;
export const RUN_STATUS = tables.status;
export const JOB_STATUS = tables.status;
export const APPLICATION_STATUS = tables.application_status;
export const IMPORT_KIND = tables.import_kind;
export const RELAXED_GROUP = tables.relaxed_group;
export const CATEGORY = tables.category;
export const TYPE = tables.type;
export const ROLE = tables.role;
export const CONDITION_GROUP = tables.condition_group;
export const FACT = tables.fact;
export const SOURCE_RECORD = tables.source_record;
export const DATASET = tables.dataset;
export const COUNTY = tables.county;
export const REASON = tables.reason;

/** Fills the tables; a failure leaves them empty (every label then shows its fallback, never a code). */
export async function loadLabels(): Promise<void> {
  const { data } = await api.GET("/api/v1/labels").catch(() => ({ data: undefined }));
  if (!data) return;
  for (const name of Object.keys(tables) as (keyof Tables)[]) Object.assign(tables[name], data[name]);
}

export function label(map: Table, code: string | null | undefined, fallback = "—"): string {
  return code ? (map[code] ?? fallback) : fallback;
}
