"""The demo accounts ``make run`` creates (development data only) and ``make demo`` uses."""
DEMO_PASSWORD = "demo-password-1"
# (e-mail, role, first name, last name), all verified
DEMO_ACCOUNTS = [
    ("admin@example.com", "admin", "Ada", "Admin"),
    ("employee@example.com", "employee", "Emil", "Employee"),
    ("customer@example.com", "customer", "Chris", "Customer"),
]
