"""TER Art. 34-10 items 1-4. Modules are numbered in the order a unit must meet them: first use first."""
