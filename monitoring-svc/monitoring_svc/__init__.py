"""monitoring-svc: contact points, operating returns, the policy catalog, analysis (附件1 正文 二(七)(八)(九), 四(三))."""
