"""Helpers for the trust tests: the CSP from netlify.toml, a loopback static server that sends
it, and a walker over a built site's HTML. No test lives here (pytest skips node_modules)."""
