"""The record ``lazyviz.trace/1``: framework-free data every other stage reads or writes.

No framework is imported here: a record round-trips through JSON and prints as a table.
"""
