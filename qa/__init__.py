"""Checkout-only quality tooling, not shipped in the wheel: fixture cases and goldens, the
extraction benchmark's evaluation and quality gate, and a fake Wayback Machine."""
