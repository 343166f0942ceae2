"""Deep indexing (深度加工标引, SPEC §2): taxonomies as data, multi-label classification of patents and demands,
tagging jobs and the review loop that teaches the next run.

Modules: `taxonomy` (the tree, YAML, validation), `ipc` (pattern matching), `shipped` (taxonomies that ship with
Lingxi), `store` (versions in the database), `concordance` (importing an official IPC concordance table),
`model` (the learned token-weight model), `classifier`, `jobs` (the resumable `lingxi tag run`), `service`
(permission-checked functions for the web layer), `cli`.
"""
