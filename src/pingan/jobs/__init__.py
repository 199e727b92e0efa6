"""Background jobs: long work (plan solves, comparisons, imports, PDFs) off the request.

The database row (:class:`pingan.jobs.models.Job`) is the job's truth: status, progress,
lease and heartbeat. Huey's storage (SQLite file, or Redis with ``PINGAN_REDIS_URL``) carries
job ids to workers. See docs/jobs.md.
"""
