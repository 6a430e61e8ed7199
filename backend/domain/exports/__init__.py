"""Exports: the 考核评分表 and the 进度台账 as xlsx workbooks, built in the background."""
