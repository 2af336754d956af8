"""Long PDFs made by the worker: a register book of hundreds of entries, the whole directory.

`kinds` says what each export is (how to name it, when it is too long for a request, how to make it); `jobs`
asks for one (the same request while it runs finds the same job), runs it in the worker with its progress, stores
the file and tells the requester; `views` are the pages (start, progress polled by htmx, download).
"""
