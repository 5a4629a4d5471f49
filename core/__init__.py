"""The shared kernel: errors, access, editing, API helpers, pagination and the work queue.

Every app may import it; it imports no app.
"""
