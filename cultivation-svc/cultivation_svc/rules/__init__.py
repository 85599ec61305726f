"""The rules of 附件1 二 as plain functions over plain data (no HTTP, no database)."""
