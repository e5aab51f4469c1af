"""Matches: retrieval, knock-outs, scoring, explanations and the Matcher facade."""
