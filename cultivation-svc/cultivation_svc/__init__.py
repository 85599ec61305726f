"""cultivation-svc: “名特优新”个体工商户培育平台与帮扶措施目录."""
