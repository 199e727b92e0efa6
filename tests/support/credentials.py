"""Credentials the test databases are seeded with (never used outside the tests)."""

TEST_DEMO_PASSWORD = "test-demo-password-xyz"
#: The audit chain's HMAC key in tests (outside the database, as in production).
TEST_AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789"
