"""cultivation-svc: “名特优新”个体工商户培育平台与帮扶措施目录 (附件1 二, with the measures of 一(五) and 二(七)).

Layout: `rules/` holds the seed's rules as plain functions over plain data (dated parameters with per-region
overrides, eligibility, limits, life of a recognition, scoring); each domain package — `criteria`, `windows`,
`applications`, `recognitions`, `measures`, `regional` — has its models, repository, service and routes;
`projections/` keeps this service's copies of other services' state, fed by set-based batch handlers.
"""
