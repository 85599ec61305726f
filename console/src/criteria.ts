/** The criteria in force for a business's county and a category: its indicators go with an application
 * or a recommendation. */
import { api, must, type Schema } from "./api";

type County = NonNullable<Schema<"RunCreate">["region_codes"]>[number];

export async function criteriaFor(uscc: string, category: Schema<"ApplicationCreate">["category"]):
  Promise<Schema<"CriteriaRead"> | null> {
  const business = await must(api.GET("/api/v1/businesses/{uscc}", { params: { path: { uscc } } }));
  const page = await must(api.GET("/api/v1/cultivation/criteria", { params: { query: {
    // The registry answers any string; the query takes the prefecture's county codes only.
    region_code: business.region_code as County, category, year: new Date().getFullYear(), limit: 1,
  } } }));
  return page.items[0] ?? null;
}
