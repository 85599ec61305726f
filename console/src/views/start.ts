/** The page each role opens first after signing in. */
export const START: Record<string, string> = {
  operator: "/me/businesses", county_staff: "/staff/reviews", prefecture_staff: "/staff/runs", admin: "/staff/imports",
};
