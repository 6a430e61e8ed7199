"""催报: SASAC staff chase enterprises from the board; the API; the 通报 circular."""
