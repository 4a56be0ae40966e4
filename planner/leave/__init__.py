"""Leave planning: capacity and allowance per skill group from the forecast, decisions on requests, balances, yearly bids."""
