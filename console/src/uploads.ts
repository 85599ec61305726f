/** The tabular files the platform takes (kit tabular: CSV, XLSX, JSON Lines), told by their extension. */
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export type TabularType = "text/csv" | "application/x-ndjson" | typeof XLSX;
export const TABULAR_ACCEPT = ".csv,.xlsx,.jsonl,.ndjson";

export function tabularType(name: string): TabularType | null {
  const n = name.toLowerCase();
  if (n.endsWith(".csv")) return "text/csv";
  if (n.endsWith(".xlsx")) return XLSX;
  if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) return "application/x-ndjson";
  return null;
}

export const notTabular = (name: string) => `文件“${name}”不是 CSV、XLSX 或 JSON Lines 格式（扩展名 .csv、.xlsx、.jsonl）`;
