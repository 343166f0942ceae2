"""The audit log (§13): every create, update and delete of business data, with who, when, before and after.

Entries are written by the storage layer (lingxi.db.audit) in the transaction of the change; this package reads them.
"""
