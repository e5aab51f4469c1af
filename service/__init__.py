"""What people and systems use: settings, storage, import/export, API, web pages, command line.

The only package that knows HTTP and SQL.
"""
