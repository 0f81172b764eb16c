"""`govmon web`: the server-rendered console, another front door onto the store and pipeline.

Pages call the functions the CLI calls; scope (which units a person may see) is applied in
``queries.py``, the one query layer every page and download goes through.
"""
