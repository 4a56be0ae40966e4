"""What-if: a roster or staffing plan under simulated contacts (`simulate`) and under forecast uncertainty
(`uncertainty`); both call the staffing stage's models, never re-implement them."""
