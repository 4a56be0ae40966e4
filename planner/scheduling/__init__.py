"""Rostering named agents with OR-Tools CP-SAT: shifts, breaks, skills, contracts, labour rules and leave."""
